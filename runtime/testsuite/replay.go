package testsuite

import (
	"errors"
	"fmt"
	"math"

	commandpb "go.temporal.io/api/command/v1"
	commonpb "go.temporal.io/api/common/v1"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/temporalgen/temporalgen/runtime/converter"

	"github.com/temporalgen/temporalgen/runtime/internal/engine"
)

// checkReplays replays every run of the environment with fresh engines:
// its whole history, as a replayer does, and from each workflow task
// boundary, as a worker without a cache does. The first difference is
// returned, a *temporal.NondeterminismError where the engine found one.
func (e *Env) checkReplays() error {
	var errs []error
	for _, x := range e.executions {
		if err := x.checkReplay(); err != nil {
			errs = append(errs, fmt.Errorf("testsuite: replaying workflow %s (%s, run %s): %w", x.id, x.wfType, x.runID, err))
		}
	}
	return errors.Join(errs...)
}

func (x *execution) checkReplay() error {
	if x.err != nil {
		return nil // the run already ended with its task's error
	}
	whole := x.env.engineRun(x.id, x.runID, x.lookup)
	_, err := whole.Step(engine.Input{Task: &engine.Task{Events: x.events, StartedEventID: math.MaxInt64, Whole: true}})
	whole.Close()
	if err != nil {
		return err
	}
	for _, rec := range x.tasks {
		if err := x.replayTask(rec); err != nil {
			return fmt.Errorf("from the workflow task started at event %d: %w", rec.started, err)
		}
	}
	return nil
}

// replayTask replays the history up to a workflow task with a fresh run,
// gives it what the task was given, and compares the commands.
func (x *execution) replayTask(rec taskRecord) error {
	r := x.env.engineRun(x.id, x.runID, x.lookup)
	defer r.Close()
	out, err := r.Step(engine.Input{Task: &engine.Task{Events: x.events[:rec.started], StartedEventID: rec.started, Messages: rec.messages}})
	for _, results := range rec.locals {
		if err != nil || !out.WaitLocal {
			break
		}
		out, err = r.Step(engine.Input{LocalResults: results})
	}
	if err != nil {
		return err
	}
	if len(out.Commands) != len(rec.commands) {
		return fmt.Errorf("the replay issued %d commands, the run %d:\nreplay: %v\nrun:    %v", len(out.Commands), len(rec.commands), out.Commands, rec.commands)
	}
	codecs := converter.Codecs(x.env.opts.DataConverter)
	for i := range out.Commands {
		if !sameCommand(out.Commands[i], rec.commands[i], codecs) {
			return fmt.Errorf("command %d differs:\nreplay: %v\nrun:    %v", i, out.Commands[i], rec.commands[i])
		}
	}
	return nil
}

// sameCommand reports whether a replayed command equals the recorded one.
// Payloads are compared as the data converter's codecs decode them: a codec
// may encode one value differently every time (encryption with a fresh
// nonce), which is no nondeterminism.
func sameCommand(a, b *commandpb.Command, codecs []converter.PayloadCodec) bool {
	if proto.Equal(a, b) {
		return true
	}
	if len(codecs) == 0 {
		return false
	}
	da, errA := decodedCopy(a, codecs)
	db, errB := decodedCopy(b, codecs)
	return errA == nil && errB == nil && proto.Equal(da, db)
}

// decodedCopy returns a copy of c with every payload decoded by codecs.
func decodedCopy(c *commandpb.Command, codecs []converter.PayloadCodec) (*commandpb.Command, error) {
	c = proto.Clone(c).(*commandpb.Command)
	var err error
	eachPayload(c.ProtoReflect(), func(p *commonpb.Payload) {
		ps := []*commonpb.Payload{p}
		for i := len(codecs) - 1; i >= 0 && err == nil; i-- {
			if ps, err = codecs[i].Decode(ps); err == nil && len(ps) != 1 {
				err = fmt.Errorf("codec %T returned %d payloads for 1", codecs[i], len(ps))
			}
		}
		if err == nil && ps[0] != p {
			decoded := proto.Clone(ps[0])
			proto.Reset(p)
			proto.Merge(p, decoded)
		}
	})
	return c, err
}

// eachPayload calls fn with every Payload message in m, at any depth.
func eachPayload(m protoreflect.Message, fn func(*commonpb.Payload)) {
	if p, ok := m.Interface().(*commonpb.Payload); ok {
		fn(p)
		return
	}
	m.Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		switch {
		case fd.Message() == nil:
		case fd.IsList():
			for i := range v.List().Len() {
				eachPayload(v.List().Get(i).Message(), fn)
			}
		case fd.IsMap():
			if fd.MapValue().Message() != nil {
				v.Map().Range(func(_ protoreflect.MapKey, mv protoreflect.Value) bool {
					eachPayload(mv.Message(), fn)
					return true
				})
			}
		default:
			eachPayload(v.Message(), fn)
		}
		return true
	})
}

// replayCheck runs checkReplays unless Options.SkipReplayCheck.
func (e *Env) replayCheck() error {
	if e.opts.SkipReplayCheck {
		return nil
	}
	return e.checkReplays()
}
