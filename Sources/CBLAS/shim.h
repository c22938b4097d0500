#ifndef AEZOO_CBLAS_SHIM_H
#define AEZOO_CBLAS_SHIM_H
#include <cblas.h>
#include <lapacke.h>

/* Exported by DYNAMIC_ARCH builds of OpenBLAS (Debian's are), not declared in its headers:
 * drop the kernel table chosen at load time and choose again (reading OPENBLAS_CORETYPE).
 * Linalg's OpenBLASRuntime uses them once, before the first BLAS call, to correct a
 * known mis-detection (see OpenBLASRuntime.swift). */
void gotoblas_dynamic_init(void);
void gotoblas_dynamic_quit(void);
/* Exported by threaded builds: stops and joins OpenBLAS's worker threads (its fork handler). */
int blas_thread_shutdown_(void);
#endif
