#ifndef AEZOO_CBLAS_SHIM_H
#define AEZOO_CBLAS_SHIM_H
#include <cblas.h>
#include <lapacke.h>
#endif
