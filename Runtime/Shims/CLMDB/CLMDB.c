// Intentionally empty: SwiftPM needs one C source for the CLMDB target. All helpers are static inline in CLMDB.h.
#include "CLMDB.h"
