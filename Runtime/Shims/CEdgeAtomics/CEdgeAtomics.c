// Everything is inline in the header; SwiftPM wants one source file per C target.
#include "CEdgeAtomics.h"
