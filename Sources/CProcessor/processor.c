/* Everything is static inline in include/processor.h; SwiftPM needs one source file. */
#include "processor.h"
