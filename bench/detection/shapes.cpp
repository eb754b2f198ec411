// The detection matrix's shape corpus (scripts/detection-rate.sh --matrix):
// two threads, released together by a latch, each run one side of a racy
// shape kOps times on one shared map with no lock, as a new user's racy
// test would. The map is std::unordered_map<int, int> or std::map<int, int>.
//
//   shapes SHAPE unordered|ordered
//
// Exits 0 after printing "not caught" when MapGuard did not stop it, 2 on
// a bad argument, 3 for a shape the container does not have (rehash on a
// std::map). `shapes --list` prints the shape names.
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <functional>
#include <iterator>
#include <latch>
#include <map>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

namespace {

constexpr int kOps = 3000;
// Keys 0..kResident-1 are in the map before the threads start.
constexpr int kResident = 256;

// A volatile sink: the lookups of find_count_at store into it, so their
// loop may synchronise and keeps one check per lookup.
volatile long g_sink;
long g_sum;

template <class M> struct Shapes {
  M m;
  M seed = {{1, 1}, {2, 2}, {3, 3}, {4, 4}};
  std::vector<std::pair<const int, int>> vals = {{7, 7}, {8, 8}, {9, 9}};

  // Each shape: the two sides, run by two threads at once.
  using Side = std::function<void()>;
  struct Shape {
    const char *name;
    Side a, b;
    bool unorderedOnly;
  };

  __attribute__((noinline)) void emplaceA() {
    for (int i = 0; i < kOps; ++i)
      m.emplace(i % 512, i);
  }
  __attribute__((noinline)) void emplaceB() {
    for (int i = 0; i < kOps; ++i)
      m.emplace(512 + i % 512, i);
  }
  __attribute__((noinline)) void insertA() {
    for (int i = 0; i < kOps; ++i)
      m.insert({i % kResident, i});
  }
  __attribute__((noinline)) void eraseB() {
    for (int i = 0; i < kOps; ++i)
      m.erase(i % kResident);
  }
  __attribute__((noinline)) void clearA() {
    for (int i = 0; i < kOps; ++i)
      m.clear();
  }
  __attribute__((noinline)) void insertOrAssignA() {
    for (int i = 0; i < kOps; ++i)
      m.insert_or_assign(i % kResident, i);
  }
  __attribute__((noinline)) void extractA() {
    for (int i = 0; i < kOps; ++i) {
      auto Node = m.extract(i % kResident);
      if (!Node.empty())
        m.insert(std::move(Node));
    }
  }
  __attribute__((noinline)) void mergeA() {
    for (int i = 0; i < kOps; ++i) {
      M Source = {{1000 + i % 64, i}};
      m.merge(Source);
    }
  }
  __attribute__((noinline)) void swapA() {
    for (int i = 0; i < kOps; ++i) {
      M Local = {{i % kResident, i}};
      m.swap(Local);
    }
  }
  __attribute__((noinline)) void assignA() {
    for (int i = 0; i < kOps; ++i)
      m = seed;
  }
  __attribute__((noinline)) void inserterA() {
    for (int i = 0; i < kOps; ++i)
      std::copy(vals.begin(), vals.end(), std::inserter(m, m.end()));
  }
  __attribute__((noinline)) void rangesA() {
    for (int i = 0; i < kOps; ++i)
      std::ranges::copy(vals, std::inserter(m, m.end()));
  }
  __attribute__((noinline)) void rehashA() {
    if constexpr (requires { m.rehash(1); })
      for (int i = 0; i < kOps; ++i)
        m.rehash(i % 2 ? 1024 : 2048);
  }
  __attribute__((noinline)) void reserveA() {
    if constexpr (requires { m.reserve(1); })
      for (int i = 0; i < kOps; ++i)
        m.reserve(i % 2 ? 1000 : 3000);
  }
  __attribute__((noinline)) void findCountAtA() {
    for (int i = 0; i < kOps; ++i) {
      int K = i % kResident;
      g_sink = m.find(K) != m.end();
      g_sink = long(m.count(K));
      g_sink = m.at(K);
    }
  }
  __attribute__((noinline)) void lookupLoopA() {
    long Found = 0;
    for (int i = 0; i < kOps; ++i)
      Found += m.count(i % kResident);
    g_sum += Found;
  }
  __attribute__((noinline)) void iterateA() {
    long Sum = 0;
    for (int i = 0; i < kOps / 30; ++i)
      for (const auto &KV : m)
        Sum += KV.second;
    g_sum += Sum;
  }
  // A write that keeps the resident keys, for the lookup shapes (at() must
  // not throw) and iteration.
  __attribute__((noinline)) void emplaceHighB() {
    for (int i = 0; i < kOps; ++i)
      m.emplace(kResident + i % 512, i);
  }

  std::vector<Shape> all() {
    auto S = [this](void (Shapes::*F)()) {
      return [this, F] { (this->*F)(); };
    };
    return {
        {"emplace_emplace", S(&Shapes::emplaceA), S(&Shapes::emplaceB), false},
        {"insert_erase", S(&Shapes::insertA), S(&Shapes::eraseB), false},
        {"clear_emplace", S(&Shapes::clearA), S(&Shapes::emplaceB), false},
        {"insert_or_assign_erase", S(&Shapes::insertOrAssignA),
         S(&Shapes::eraseB), false},
        {"extract_reinsert", S(&Shapes::extractA), S(&Shapes::emplaceHighB),
         false},
        {"merge", S(&Shapes::mergeA), S(&Shapes::emplaceB), false},
        {"swap", S(&Shapes::swapA), S(&Shapes::emplaceB), false},
        {"assign", S(&Shapes::assignA), S(&Shapes::emplaceB), false},
        {"inserter_copy", S(&Shapes::inserterA), S(&Shapes::eraseB), false},
        {"ranges_copy", S(&Shapes::rangesA), S(&Shapes::eraseB), false},
        {"rehash", S(&Shapes::rehashA), S(&Shapes::emplaceB), true},
        {"reserve", S(&Shapes::reserveA), S(&Shapes::emplaceB), true},
        {"find_count_at", S(&Shapes::findCountAtA), S(&Shapes::emplaceHighB),
         false},
        {"lookup_loop", S(&Shapes::lookupLoopA), S(&Shapes::emplaceHighB),
         false},
        {"iterate", S(&Shapes::iterateA), S(&Shapes::emplaceHighB), false},
    };
  }

  int run(const char *Name) {
    for (Shape &Sh : all()) {
      if (std::strcmp(Sh.name, Name) != 0)
        continue;
      if (Sh.unorderedOnly && !requires { m.rehash(1); })
        return 3;
      for (int K = 0; K < kResident; ++K)
        m.emplace(K, K);
      std::latch Start(2);
      std::thread A([&] {
        Start.arrive_and_wait();
        Sh.a();
      });
      std::thread B([&] {
        Start.arrive_and_wait();
        Sh.b();
      });
      A.join();
      B.join();
      std::printf("not caught: %zu\n", m.size());
      return 0;
    }
    std::fprintf(stderr, "shapes: unknown shape '%s'\n", Name);
    return 2;
  }
};

} // namespace

int main(int argc, char **argv) {
  if (argc == 2 && std::strcmp(argv[1], "--list") == 0) {
    for (auto &Sh : Shapes<std::map<int, int>>().all())
      std::printf("%s\n", Sh.name);
    return 0;
  }
  if (argc != 3) {
    std::fprintf(stderr, "usage: shapes SHAPE unordered|ordered\n");
    return 2;
  }
  if (std::strcmp(argv[2], "unordered") == 0)
    return Shapes<std::unordered_map<int, int>>().run(argv[1]);
  if (std::strcmp(argv[2], "ordered") == 0)
    return Shapes<std::map<int, int>>().run(argv[1]);
  std::fprintf(stderr, "shapes: unknown container '%s'\n", argv[2]);
  return 2;
}
