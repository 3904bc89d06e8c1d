//go:build special

package tagged

// Special exists only with the special build tag.
const Special = true
