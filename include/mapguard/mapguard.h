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
 * MAPGUARD_WRITES_MAP, MAPGUARD_READS_MAP and MAPGUARD_ITERATES_MAP declare
 * a function of the project's own map type a write to, a read of, or the
 * start of an iteration over that map: written before the function's
 * declaration (or its definition). For a member function the map is *this;
 * for a free function, its first parameter. Calls to it are then checked
 * like std::map's insert, find and begin, and reports name the class.
 *
 *   class SkuTable {
 *   public:
 *     MAPGUARD_WRITES_MAP void put(const std::string &sku, int count);
 *     MAPGUARD_READS_MAP int get(const std::string &sku) const;
 *   };
 *
 * MAPGUARD_NO_STATIC on a function that starts threads, or on a thread's
 * start routine, silences the build-time "unsynchronized map write" warning
 * for the threads it starts (a write's line can also say NOLINT(mapguard)).
 *
 * The macros expand to nothing when the compiler is not clang, so sources
 * that use them build everywhere.
 */
#ifndef MAPGUARD_MAPGUARD_H
#define MAPGUARD_MAPGUARD_H

#if defined(__clang__)
#define MAPGUARD_NO_INSTRUMENT                                                 \
  __attribute__((annotate("mapguard_no_instrument")))
#define MAPGUARD_WRITES_MAP __attribute__((annotate("mapguard_writes_map")))
#define MAPGUARD_READS_MAP __attribute__((annotate("mapguard_reads_map")))
#define MAPGUARD_ITERATES_MAP __attribute__((annotate("mapguard_iterates_map")))
#define MAPGUARD_NO_STATIC __attribute__((annotate("mapguard_no_static")))
#else
#define MAPGUARD_NO_INSTRUMENT
#define MAPGUARD_WRITES_MAP
#define MAPGUARD_READS_MAP
#define MAPGUARD_ITERATES_MAP
#define MAPGUARD_NO_STATIC
#endif

#endif /* MAPGUARD_MAPGUARD_H */
