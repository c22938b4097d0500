#ifndef AEZOO_CZLIB_SHIM_H
#define AEZOO_CZLIB_SHIM_H
#include <zlib.h>
#endif
