/*
 * MapGuard user header.
 *
 * MAPGUARD_NO_INSTRUMENT excludes one function from instrumentation: map
 * writes made directly in its body are not guarded. Use it for code that is
 * known to be correct but that MapGuard cannot see is synchronised.
 *
 *   #include <mapguard/mapguard.h>
 *   MAPGUARD_NO_INSTRUMENT void fill(std::map<int, int> &m) { m[1] = 2; }
 *
 * The macro expands to nothing when the compiler is not clang, so sources
 * that use it build everywhere.
 */
#ifndef MAPGUARD_MAPGUARD_H
#define MAPGUARD_MAPGUARD_H

#if defined(__clang__)
#define MAPGUARD_NO_INSTRUMENT                                                 \
  __attribute__((annotate("mapguard_no_instrument")))
#else
#define MAPGUARD_NO_INSTRUMENT
#endif

#endif /* MAPGUARD_MAPGUARD_H */
