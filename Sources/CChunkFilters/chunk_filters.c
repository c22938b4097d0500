#include "chunk_filters.h"
#include <string.h>

/* Four- and eight-byte elements (float32, int64, float64) are the cases that matter; they are
 * written as whole-element loads and stores the compiler turns into SIMD shifts and packs. */

static void shuffle4(const uint8_t *restrict src, uint8_t *restrict dst, size_t n) {
    uint8_t *restrict p0 = dst, *restrict p1 = dst + n, *restrict p2 = dst + 2 * n, *restrict p3 = dst + 3 * n;
    for (size_t i = 0; i < n; i++) {
        uint32_t v;
        memcpy(&v, src + 4 * i, 4);
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
        v = __builtin_bswap32(v);
#endif
        p0[i] = (uint8_t)v;
        p1[i] = (uint8_t)(v >> 8);
        p2[i] = (uint8_t)(v >> 16);
        p3[i] = (uint8_t)(v >> 24);
    }
}

static void unshuffle4(const uint8_t *restrict src, uint8_t *restrict dst, size_t n) {
    const uint8_t *restrict p0 = src, *restrict p1 = src + n, *restrict p2 = src + 2 * n, *restrict p3 = src + 3 * n;
    for (size_t i = 0; i < n; i++) {
        uint32_t v = (uint32_t)p0[i] | (uint32_t)p1[i] << 8 | (uint32_t)p2[i] << 16 | (uint32_t)p3[i] << 24;
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
        v = __builtin_bswap32(v);
#endif
        memcpy(dst + 4 * i, &v, 4);
    }
}

static void shuffle8(const uint8_t *restrict src, uint8_t *restrict dst, size_t n) {
    for (size_t i = 0; i < n; i++) {
        uint64_t v;
        memcpy(&v, src + 8 * i, 8);
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
        v = __builtin_bswap64(v);
#endif
        for (size_t b = 0; b < 8; b++) dst[b * n + i] = (uint8_t)(v >> (8 * b));
    }
}

static void unshuffle8(const uint8_t *restrict src, uint8_t *restrict dst, size_t n) {
    for (size_t i = 0; i < n; i++) {
        uint64_t v = 0;
        for (size_t b = 0; b < 8; b++) v |= (uint64_t)src[b * n + i] << (8 * b);
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
        v = __builtin_bswap64(v);
#endif
        memcpy(dst + 8 * i, &v, 8);
    }
}

static void shuffle_generic(const uint8_t *restrict src, uint8_t *restrict dst, size_t n, size_t size) {
    for (size_t b = 0; b < size; b++) {
        uint8_t *restrict plane = dst + b * n;
        for (size_t i = 0; i < n; i++) plane[i] = src[i * size + b];
    }
}

static void unshuffle_generic(const uint8_t *restrict src, uint8_t *restrict dst, size_t n, size_t size) {
    for (size_t b = 0; b < size; b++) {
        const uint8_t *restrict plane = src + b * n;
        for (size_t i = 0; i < n; i++) dst[i * size + b] = plane[i];
    }
}

void aezoo_shuffle(const uint8_t *src, uint8_t *dst, size_t count, size_t size) {
    if (size == 4) shuffle4(src, dst, count);
    else if (size == 8) shuffle8(src, dst, count);
    else shuffle_generic(src, dst, count, size);
}

void aezoo_unshuffle(const uint8_t *src, uint8_t *dst, size_t count, size_t size) {
    if (size == 4) unshuffle4(src, dst, count);
    else if (size == 8) unshuffle8(src, dst, count);
    else unshuffle_generic(src, dst, count, size);
}

uint32_t aezoo_fletcher32(const uint8_t *data, size_t length) {
    /* HDF5 folds its 32-bit sums every 360 words. Folding keeps each sum congruent modulo 65535
     * and positive exactly when the true sum is, and the result is at most 65535; so HDF5 returns
     * 0 for a sum of zero and otherwise the residue in 1...65535. Here the sums are exact 64-bit
     * block sums, four words per step, reduced between blocks. */
    size_t words = length / 2;
    const uint8_t *p = data;
    uint64_t s1 = 0, s2 = 0;
    int nonzero = 0;
    while (words > 0) {
        size_t block = words < ((size_t)1 << 20) ? words : ((size_t)1 << 20);
        words -= block;
        uint64_t b1 = 0, b2 = 0;   /* sum of words; sum of running sums within the block */
        size_t i = 0;
        for (; i + 4 <= block; i += 4, p += 8) {
            uint64_t w0 = (uint64_t)p[0] << 8 | p[1], w1 = (uint64_t)p[2] << 8 | p[3];
            uint64_t w2 = (uint64_t)p[4] << 8 | p[5], w3 = (uint64_t)p[6] << 8 | p[7];
            b2 += 4 * b1 + 4 * w0 + 3 * w1 + 2 * w2 + w3;
            b1 += w0 + w1 + w2 + w3;
        }
        for (; i < block; i++, p += 2) {
            b1 += (uint64_t)p[0] << 8 | p[1];
            b2 += b1;
        }
        nonzero |= b1 != 0;
        s2 = (s2 + (uint64_t)(block % 65535) * s1 + b2 % 65535) % 65535;
        s1 = (s1 + b1) % 65535;
    }
    if (length % 2) {
        uint64_t w = (uint64_t)p[0] << 8;
        nonzero |= w != 0;
        s1 = (s1 + w) % 65535;
        s2 = (s2 + s1) % 65535;
    }
    if (!nonzero) return 0;
    uint32_t r1 = s1 == 0 ? 65535u : (uint32_t)s1;
    uint32_t r2 = s2 == 0 ? 65535u : (uint32_t)s2;
    return r2 << 16 | r1;
}
