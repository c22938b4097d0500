#ifndef AEZOO_CDEFLATE_SHIM_H
#define AEZOO_CDEFLATE_SHIM_H
#include <libdeflate.h>
#endif
