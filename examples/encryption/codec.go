package encryption

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	commonpb "go.temporal.io/api/common/v1"
	"google.golang.org/protobuf/proto"

	"github.com/temporalgen/temporalgen/runtime/converter"
)

const (
	// EncodingEncrypted is the "encoding" metadata of the payloads Codec
	// writes.
	EncodingEncrypted = "binary/encrypted"
	// MetadataKeyID is the payload metadata key naming the key a payload
	// was encrypted with.
	MetadataKeyID = "encryption-key-id"
)

// Keyring maps key IDs to AES keys of 16, 24 or 32 bytes (AES-128, -192 or
// -256). Keep retired keys in it for as long as histories encrypted with
// them must be readable.
type Keyring map[string][]byte

// Codec is a converter.PayloadCodec that encrypts whole payloads with
// AES-GCM. Each encrypted payload holds the protobuf encoding of the
// original payload, metadata included, sealed under a fresh random nonce:
//
//	metadata: encoding=binary/encrypted, encryption-key-id=<key ID>
//	data:     12-byte nonce || AES-GCM ciphertext and tag
//
// The key ID is authenticated as additional data, so a payload cannot be
// relabelled to another key. Codec is safe for concurrent use.
type Codec struct {
	current string
	aeads   map[string]cipher.AEAD
}

var _ converter.PayloadCodec = (*Codec)(nil)

// NewCodec returns a Codec that encrypts with the key currentKeyID and
// decrypts with any key of keys. The keyring is copied.
func NewCodec(keys Keyring, currentKeyID string) (*Codec, error) {
	c := &Codec{current: currentKeyID, aeads: make(map[string]cipher.AEAD, len(keys))}
	for _, id := range slices.Sorted(maps.Keys(keys)) {
		if id == "" {
			return nil, errors.New("encryption: the keyring has an empty key ID")
		}
		block, err := aes.NewCipher(keys[id])
		if err != nil {
			return nil, fmt.Errorf("encryption: key %q: %d bytes; want 16, 24 or 32", id, len(keys[id]))
		}
		aead, err := cipher.NewGCM(block)
		if err != nil {
			return nil, fmt.Errorf("encryption: key %q: %w", id, err)
		}
		c.aeads[id] = aead
	}
	if _, ok := c.aeads[currentKeyID]; !ok {
		return nil, fmt.Errorf("encryption: current key %q is not in the keyring (%s)", currentKeyID, c.ids())
	}
	return c, nil
}

// Encode encrypts every payload with the current key.
func (c *Codec) Encode(ps []*commonpb.Payload) ([]*commonpb.Payload, error) {
	aead := c.aeads[c.current]
	out := make([]*commonpb.Payload, len(ps))
	for i, p := range ps {
		raw, err := proto.Marshal(p)
		if err != nil {
			return nil, fmt.Errorf("encryption: payload %d: %w", i, err)
		}
		nonce := make([]byte, aead.NonceSize(), aead.NonceSize()+len(raw)+aead.Overhead())
		if _, err := rand.Read(nonce); err != nil {
			return nil, fmt.Errorf("encryption: payload %d: nonce: %w", i, err)
		}
		out[i] = &commonpb.Payload{
			Metadata: map[string][]byte{
				converter.MetadataEncoding: []byte(EncodingEncrypted),
				MetadataKeyID:              []byte(c.current),
			},
			Data: aead.Seal(nonce, nonce, raw, []byte(c.current)),
		}
	}
	return out, nil
}

// Decode decrypts the payloads Encode wrote and passes every other payload
// through. A payload encrypted with a key that is not in the keyring, or
// that does not authenticate, is an error naming the payload and the key.
func (c *Codec) Decode(ps []*commonpb.Payload) ([]*commonpb.Payload, error) {
	out := make([]*commonpb.Payload, len(ps))
	for i, p := range ps {
		if string(p.GetMetadata()[converter.MetadataEncoding]) != EncodingEncrypted {
			out[i] = p
			continue
		}
		id, ok := p.GetMetadata()[MetadataKeyID]
		if !ok {
			return nil, fmt.Errorf("encryption: payload %d: %s payload without %q metadata", i, EncodingEncrypted, MetadataKeyID)
		}
		aead, ok := c.aeads[string(id)]
		if !ok {
			return nil, fmt.Errorf("encryption: payload %d: unknown key ID %q (the keyring has %s)", i, id, c.ids())
		}
		data := p.GetData()
		if len(data) < aead.NonceSize()+aead.Overhead() {
			return nil, fmt.Errorf("encryption: payload %d: %d bytes is too short for AES-GCM", i, len(data))
		}
		raw, err := aead.Open(nil, data[:aead.NonceSize()], data[aead.NonceSize():], id)
		if err != nil {
			return nil, fmt.Errorf("encryption: payload %d: cannot decrypt with key %q: %w", i, id, err)
		}
		orig := &commonpb.Payload{}
		if err := proto.Unmarshal(raw, orig); err != nil {
			return nil, fmt.Errorf("encryption: payload %d: decrypted data is not a payload: %w", i, err)
		}
		out[i] = orig
	}
	return out, nil
}

func (c *Codec) ids() string {
	ids := slices.Sorted(maps.Keys(c.aeads))
	for i, id := range ids {
		ids[i] = fmt.Sprintf("%q", id)
	}
	return strings.Join(ids, ", ")
}
