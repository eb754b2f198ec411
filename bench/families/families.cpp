// Two threads released together, each making 3,000 accesses to one map with
// no lock: side A writes; side B writes (-DSHAPE_WW) or looks up. With
// -DLOCKED, the race-free twin: every access holds a lock (a GMutex for
// GLib, a pthread mutex for the C library, a std::mutex otherwise). One map
// family per build: -DFAMILY_ABSEIL_FLAT, _ABSEIL_BTREE, _BOOST, _GLIB,
// _ANNOTATED (test/e2e/Inputs/sku_table.h, members compiled on their own),
// _CLIB (test/e2e/Inputs/ctable.c, a C library built without MapGuard and
// declared in test/e2e/Inputs/ctable.maps). scripts/detection-families.sh
// builds and runs it.
#include <atomic>
#include <cstdio>
#include <string>
#include <thread>

#if defined(FAMILY_ABSEIL_FLAT)
#include <absl/container/flat_hash_map.h>
absl::flat_hash_map<int, int> table;
void put(int k) { table[k] = k; }
int get(int k) { return table.count(k); }
#elif defined(FAMILY_ABSEIL_BTREE)
#include <absl/container/btree_map.h>
absl::btree_map<int, int> table;
void put(int k) { table.insert_or_assign(k, k); }
int get(int k) { return table.find(k) != table.end(); }
#elif defined(FAMILY_BOOST)
#include <boost/unordered_map.hpp>
boost::unordered_map<int, int> table;
void put(int k) { table[k] = k; }
int get(int k) { return table.count(k); }
#elif defined(FAMILY_GLIB)
#include <glib.h>
GHashTable *table = g_hash_table_new(g_direct_hash, g_direct_equal);
void put(int k) {
  g_hash_table_insert(table, GINT_TO_POINTER(k), GINT_TO_POINTER(k));
}
int get(int k) { return g_hash_table_contains(table, GINT_TO_POINTER(k)); }
#elif defined(FAMILY_ANNOTATED)
#include "sku_table.h"
inventory::SkuTable table;
void put(int k) { table.put(std::to_string(k), k); }
int get(int k) { return table.get(std::to_string(k)); }
#elif defined(FAMILY_CLIB)
extern "C" {
#include "ctable.h"
}
static unsigned hash(int k) { return unsigned(k) * 2654435761u; }
ctable *table = ctable_new(hash);
void put(int k) { ctable_put(table, k, k); }
int get(int k) {
  int v = 0;
  return ctable_get(table, k, &v);
}
#endif

#if !defined(LOCKED)
struct Lock {};
#elif defined(FAMILY_GLIB)
GMutex mutex;
struct Lock {
  Lock() { g_mutex_lock(&mutex); }
  ~Lock() { g_mutex_unlock(&mutex); }
};
#elif defined(FAMILY_CLIB)
#include <pthread.h>
pthread_mutex_t mutex = PTHREAD_MUTEX_INITIALIZER;
struct Lock {
  Lock() { pthread_mutex_lock(&mutex); }
  ~Lock() { pthread_mutex_unlock(&mutex); }
};
#else
#include <mutex>
std::mutex mutex;
struct Lock {
  std::lock_guard<std::mutex> held{mutex};
};
#endif

std::atomic<int> ready{0};
long total = 0;

static void side(bool writes, int base) {
  ready.fetch_add(1);
  while (ready.load() < 2) {
  }
  long sum = 0;
  for (int i = 0; i < 3000; ++i) {
    int k = base + i % 64;
    Lock held;
    if (writes)
      put(k);
    else
      sum += get(k);
  }
  total += sum;
}

int main() {
#if defined(SHAPE_WW)
  bool b_writes = true;
#else
  bool b_writes = false;
#endif
  std::thread a(side, true, 0), b(side, b_writes, 32);
  a.join();
  b.join();
  std::printf("no report\n");
}
