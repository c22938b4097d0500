#ifndef AEZOO_CHUNK_FILTERS_H
#define AEZOO_CHUNK_FILTERS_H
/* The byte-level halves of HDF5's shuffle and Fletcher-32 filters, written so the compiler
 * vectorises them (Swift's scalar loops were a tenth of a checkpoint restore). Bytes in, bytes
 * out, exactly as HDF5's H5Zshuffle.c and H5checksum.c define them; tests compare against the
 * library's own chunks. */
#include <stddef.h>
#include <stdint.h>

/* HDF5 shuffle: `count` elements of `size` bytes at `src` become `size` planes of `count` bytes
 * at `dst` (every first byte, then every second byte, ...). Bytes past count * size are not
 * touched: the caller copies them (HDF5 stores them as they are). `src` and `dst` must not overlap. */
void aezoo_shuffle(const uint8_t *src, uint8_t *dst, size_t count, size_t size);

/* The inverse of aezoo_shuffle. */
void aezoo_unshuffle(const uint8_t *src, uint8_t *dst, size_t count, size_t size);

/* HDF5's Fletcher-32 (H5_checksum_fletcher32): big-endian 16-bit words, sums modulo 65535,
 * an odd last byte taken as the high byte of a word. */
uint32_t aezoo_fletcher32(const uint8_t *data, size_t length);
#endif
