#ifndef AEZOO_PROCESSOR_H
#define AEZOO_PROCESSOR_H
/* The two per-thread processor controls aezoo's math core needs and Swift cannot express. */

/* Flush-to-zero / denormals-are-zero, as TensorFlow's CPU kernels run
 * (tensorflow/core/platform/denormal.h, ScopedFlushDenormal). Denormal operands cost x86 cores a
 * microcode assist per instruction: a sigmoid autoencoder's tiny gradients made sgemm 3x slower. */
#if defined(__x86_64__) || defined(__i386__)
#include <xmmintrin.h>
static inline unsigned aezoo_fp_mode_get(void) { return _mm_getcsr(); }
static inline void aezoo_fp_mode_set(unsigned mode) { _mm_setcsr(mode); }
/* MXCSR bit 15 = FTZ, bit 6 = DAZ. */
static inline unsigned aezoo_fp_mode_flushing(unsigned mode) { return mode | 0x8040u; }
/* The spin-wait hint: lets the sibling hyper-thread run and saves power while polling. */
static inline void aezoo_cpu_relax(void) { _mm_pause(); }
#elif defined(__aarch64__)
static inline unsigned aezoo_fp_mode_get(void) { unsigned long v; __asm__ volatile("mrs %0, fpcr" : "=r"(v)); return (unsigned)v; }
static inline void aezoo_fp_mode_set(unsigned mode) { unsigned long v = mode; __asm__ volatile("msr fpcr, %0" : : "r"(v)); }
/* FPCR bit 24 = FZ. */
static inline unsigned aezoo_fp_mode_flushing(unsigned mode) { return mode | (1u << 24); }
static inline void aezoo_cpu_relax(void) { __asm__ volatile("yield"); }
#else
static inline unsigned aezoo_fp_mode_get(void) { return 0; }
static inline void aezoo_fp_mode_set(unsigned mode) { (void)mode; }
static inline unsigned aezoo_fp_mode_flushing(unsigned mode) { return mode; }
static inline void aezoo_cpu_relax(void) { }
#endif
#endif
