package tagged

// Always exists.
const Always = true
