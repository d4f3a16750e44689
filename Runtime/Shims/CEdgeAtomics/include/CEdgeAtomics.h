#ifndef CEDGEATOMICS_H
#define CEDGEATOMICS_H

#include <stdint.h>

/// Relaxed 64-bit atomics on plain memory, for counters in a file mapping shared by several processes
/// (Swift's `Atomic` cannot live at an address it did not allocate). Every symbol is prefixed.

static inline void CEdgeAtomics_add(uint64_t *word, uint64_t amount) {
    __atomic_fetch_add(word, amount, __ATOMIC_RELAXED);
}

static inline uint64_t CEdgeAtomics_load(const uint64_t *word) {
    return __atomic_load_n(word, __ATOMIC_RELAXED);
}

static inline void CEdgeAtomics_store(uint64_t *word, uint64_t value) {
    __atomic_store_n(word, value, __ATOMIC_RELAXED);
}

#endif
