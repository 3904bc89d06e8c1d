package envconfig

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"
)

// writeFile writes data to name in dir, creating directories, and returns
// its path.
func writeFile(t *testing.T, dir, name, data string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// setUserConfigDir points os.UserConfigDir at dir for the test.
func setUserConfigDir(t *testing.T, dir string) {
	switch runtime.GOOS {
	case "windows":
		t.Setenv("AppData", dir)
	case "darwin", "ios":
		t.Setenv("HOME", dir)
	default:
		t.Setenv("XDG_CONFIG_HOME", dir)
	}
}

// userConfigTOML is the file name under the user configuration directory.
func userConfigTOML(dir string) string {
	if runtime.GOOS == "darwin" || runtime.GOOS == "ios" {
		dir = filepath.Join(dir, "Library", "Application Support")
	}
	return filepath.Join(dir, "temporalio", "temporal.toml")
}

const twoProfiles = `
[profile.default]
address = "default:7233"
namespace = "default-ns"

[profile.staging]
address = "staging:7233"
`

// TestLoadProcessEnvironment loads through the process environment (Env
// nil), as programs do.
func TestLoadProcessEnvironment(t *testing.T) {
	cfgDir := t.TempDir()
	setUserConfigDir(t, cfgDir)
	for _, v := range []string{EnvConfigFile, EnvProfile, "TEMPORAL_ADDRESS", "TEMPORAL_NAMESPACE", "TEMPORAL_API_KEY"} {
		t.Setenv(v, "")
		os.Unsetenv(v) // unset, not empty; t.Setenv restores it afterwards
	}

	// No file at the default path: not an error, the environment only.
	t.Setenv("TEMPORAL_NAMESPACE", "from-env")
	p, err := LoadProfile(LoadOptions{})
	if err != nil {
		t.Fatalf("no default file: %v", err)
	}
	if got := plain(p); !reflect.DeepEqual(got, Profile{Namespace: "from-env"}) {
		t.Errorf("no default file: profile = %+v", got)
	}
	cfg, err := LoadConfig(LoadOptions{})
	if err != nil || cfg.File != "" || len(cfg.Profiles) != 0 {
		t.Errorf("no default file: LoadConfig = %+v, %v", cfg, err)
	}

	// The default file, with the environment on top.
	def := writeFile(t, filepath.Dir(userConfigTOML(cfgDir)), "temporal.toml", twoProfiles)
	p, err = LoadProfile(LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if p.Address != "default:7233" || p.Namespace != "from-env" {
		t.Errorf("default file: profile = %+v", plain(p))
	}
	if cfg, err := LoadConfig(LoadOptions{}); err != nil || cfg.File != def || len(cfg.Profiles) != 2 {
		t.Errorf("default file: LoadConfig = %+v, %v", cfg, err)
	}

	// $TEMPORAL_PROFILE and $TEMPORAL_CONFIG_FILE.
	t.Setenv(EnvProfile, "staging")
	if p, err := LoadProfile(LoadOptions{}); err != nil || p.Address != "staging:7233" {
		t.Errorf("$TEMPORAL_PROFILE=staging: %+v, %v", plain(p), err)
	}
	other := writeFile(t, t.TempDir(), "other.toml", "[profile.staging]\naddress = \"other:1\"\n")
	t.Setenv(EnvConfigFile, other)
	if p, err := LoadProfile(LoadOptions{}); err != nil || p.Address != "other:1" {
		t.Errorf("$TEMPORAL_CONFIG_FILE: %+v, %v", plain(p), err)
	}
	// Options win over both variables.
	if p, err := LoadProfile(LoadOptions{ConfigFile: def, Profile: "default"}); err != nil || p.Address != "default:7233" {
		t.Errorf("options: %+v, %v", plain(p), err)
	}
}

func TestLoadSelection(t *testing.T) {
	dir := t.TempDir()
	file := writeFile(t, dir, "temporal.toml", twoProfiles)
	missing := filepath.Join(dir, "missing.toml")
	emptyFile := writeFile(t, dir, "empty.toml", "# nothing yet\n")
	// An empty user configuration directory for the default file.
	noDefault := []string{"XDG_CONFIG_HOME=" + t.TempDir(), "HOME=" + t.TempDir(), "AppData=" + t.TempDir()}
	for _, tc := range []struct {
		name    string
		opts    LoadOptions
		want    Profile
		wantErr string
	}{
		{
			name: "file option, default profile",
			opts: LoadOptions{ConfigFile: file, Env: []string{}},
			want: Profile{Address: "default:7233", Namespace: "default-ns"},
		},
		{
			name: "profile option",
			opts: LoadOptions{ConfigFile: file, Profile: "staging", Env: []string{}},
			want: Profile{Address: "staging:7233"},
		},
		{
			name: "profile option wins over the variable",
			opts: LoadOptions{ConfigFile: file, Profile: "default", Env: []string{"TEMPORAL_PROFILE=staging"}},
			want: Profile{Address: "default:7233", Namespace: "default-ns"},
		},
		{
			name: "empty profile variable is unset",
			opts: LoadOptions{ConfigFile: file, Env: []string{"TEMPORAL_PROFILE="}},
			want: Profile{Address: "default:7233", Namespace: "default-ns"},
		},
		{
			name: "file variable",
			opts: LoadOptions{Env: []string{"TEMPORAL_CONFIG_FILE=" + file, "TEMPORAL_PROFILE=staging"}},
			want: Profile{Address: "staging:7233"},
		},
		{
			name: "file option wins over the variable",
			opts: LoadOptions{ConfigFile: file, Env: []string{"TEMPORAL_CONFIG_FILE=" + missing}},
			want: Profile{Address: "default:7233", Namespace: "default-ns"},
		},
		{
			name: "default profile missing from the file",
			opts: LoadOptions{ConfigFile: emptyFile, Env: []string{"TEMPORAL_ADDRESS=env:1"}},
			want: Profile{Address: "env:1"},
		},
		{
			name: "default file missing",
			opts: LoadOptions{Env: append([]string{"TEMPORAL_ADDRESS=env:1"}, noDefault...)},
			want: Profile{Address: "env:1"},
		},
		{
			name:    "named file missing",
			opts:    LoadOptions{ConfigFile: missing, Env: []string{}},
			wantErr: "envconfig: configuration file from LoadOptions.ConfigFile: open " + missing + ": no such file or directory",
		},
		{
			name:    "file named by the variable missing",
			opts:    LoadOptions{Env: []string{"TEMPORAL_CONFIG_FILE=" + missing}},
			wantErr: "envconfig: configuration file from $TEMPORAL_CONFIG_FILE: open " + missing + ": no such file or directory",
		},
		{
			name:    "file is a directory",
			opts:    LoadOptions{ConfigFile: dir, Env: []string{}},
			wantErr: "envconfig: configuration file from LoadOptions.ConfigFile: read " + dir + ": is a directory",
		},
		{
			name: "unknown profile",
			opts: LoadOptions{ConfigFile: file, Profile: "prod", Env: []string{}},
			wantErr: `envconfig: profile "prod" (from LoadOptions.Profile) not found in ` + file +
				`, which has the profiles "default", "staging"`,
		},
		{
			name:    "unknown profile from the variable",
			opts:    LoadOptions{ConfigFile: emptyFile, Env: []string{"TEMPORAL_PROFILE=prod"}},
			wantErr: `envconfig: profile "prod" (from $TEMPORAL_PROFILE) not found in ` + emptyFile + `, which has no profiles`,
		},
		{
			name:    "default profile named explicitly must exist",
			opts:    LoadOptions{ConfigFile: emptyFile, Profile: "default", Env: []string{}},
			wantErr: `envconfig: profile "default" (from LoadOptions.Profile) not found in ` + emptyFile + `, which has no profiles`,
		},
		{
			name: "named profile with the default file missing",
			opts: LoadOptions{Profile: "prod", Env: append([]string{"XDG_CONFIG_HOME=" + dir + "/x"}, noDefault[1:]...)},
			wantErr: `envconfig: profile "prod" (from LoadOptions.Profile) not found: ` +
				userConfigTOML(dir+"/x") + ` does not exist`,
		},
		{
			name: "file disabled",
			opts: LoadOptions{ConfigFile: missing, Profile: "prod", DisableFile: true, Env: []string{"TEMPORAL_ADDRESS=env:1"}},
			want: Profile{Address: "env:1"},
		},
		{
			name: "environment disabled, but it still chooses the file and profile",
			opts: LoadOptions{DisableEnv: true, Env: []string{"TEMPORAL_CONFIG_FILE=" + file, "TEMPORAL_PROFILE=staging", "TEMPORAL_ADDRESS=env:1"}},
			want: Profile{Address: "staging:7233"},
		},
		{
			name: "both disabled",
			opts: LoadOptions{DisableFile: true, DisableEnv: true, Env: []string{"TEMPORAL_ADDRESS=env:1"}},
			want: Profile{},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.name == "named profile with the default file missing" && runtime.GOOS != "linux" {
				t.Skip("the expected path is spelt for Linux")
			}
			p, err := LoadProfile(tc.opts)
			if tc.wantErr != "" {
				if err == nil || err.Error() != tc.wantErr {
					t.Fatalf("error = %v\nwant    %s", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := plain(p); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("profile = %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestProfileNotFoundError(t *testing.T) {
	file := writeFile(t, t.TempDir(), "t.toml", twoProfiles)
	_, err := LoadProfile(LoadOptions{ConfigFile: file, Profile: "prod", Env: []string{}})
	var pe *ProfileNotFoundError
	if !errors.As(err, &pe) {
		t.Fatalf("error %v is not a *ProfileNotFoundError", err)
	}
	want := ProfileNotFoundError{Profile: "prod", Source: "LoadOptions.Profile", File: file, Profiles: []string{"default", "staging"}}
	if !reflect.DeepEqual(*pe, want) {
		t.Errorf("error = %+v, want %+v", *pe, want)
	}
}

func TestLoadReportsFileErrors(t *testing.T) {
	file := writeFile(t, t.TempDir(), "temporal.toml", "[profile.default]\nadress = \"x\"\n")
	_, err := LoadProfile(LoadOptions{ConfigFile: file, Env: []string{}})
	want := file + `:2:1: unknown key "adress" in profile "default"; did you mean "address"?`
	if err == nil || err.Error() != want {
		t.Errorf("error = %v, want %s", err, want)
	}
	// The file's other profiles do not matter: the whole file is checked.
	_, err = LoadProfile(LoadOptions{ConfigFile: file, Profile: "other", DisableFile: false, Env: []string{}})
	if err == nil || !strings.HasPrefix(err.Error(), file+":2:1: ") {
		t.Errorf("loading another profile: error = %v", err)
	}
	if p, err := LoadProfile(LoadOptions{ConfigFile: file, AllowUnknownKeys: true, Env: []string{}}); err != nil || p.Address != "" {
		t.Errorf("AllowUnknownKeys: %+v, %v", p, err)
	}
}

func TestLoadDoesNotShareState(t *testing.T) {
	file := writeFile(t, t.TempDir(), "t.toml", "[profile.default.grpc_meta]\na = \"1\"\n[profile.default.tls]\nserver_name = \"s\"\n")
	p1, err := LoadProfile(LoadOptions{ConfigFile: file, Env: []string{}})
	if err != nil {
		t.Fatal(err)
	}
	p1.GRPCMeta["a"] = "changed"
	p1.TLS.ServerName = "changed"
	p2, err := LoadProfile(LoadOptions{ConfigFile: file, Env: []string{}})
	if err != nil {
		t.Fatal(err)
	}
	if p2.GRPCMeta["a"] != "1" || p2.TLS.ServerName != "s" {
		t.Errorf("second load sees the first's changes: %+v", plain(p2))
	}
}
