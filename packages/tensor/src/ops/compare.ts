// Filled in by the op implementation work; see tensor-methods.ts for the signatures.
