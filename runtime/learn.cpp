//===-- learn.cpp - Learning across runs: learn_path ----------------------===//
//
// TSVD's idea: a run that sees a map change writer between two threads, and
// does not catch them overlapping, has seen a near miss; the next run should
// hold there longer. With learn_path=FILE, a run records the pair of sites
// of every handoff the runtime sees (a map written at one site by one
// thread, then at another site by another thread: the first handoffs of
// each map, and each thread's first write), and at exit appends the pairs
// FILE does not hold yet, under an flock, so that the parallel processes of
// a test suite can share one file. At startup it reads FILE, and a write at
// either site of a learned pair holds busy_hold_us instead of
// handoff_hold_us, whatever the load.
//
// The file only changes how long holds last: a report still needs two
// writes (or a read and a write) that overlap in the run that reports them.
// A site is known by a hash of its file, function, container, operation,
// line and column, which stays the same from one run of a build to the
// next. One line per pair:
//
//   <hash of the site that took the map over> <hash of the previous site>
//   <file:line:column operation> <- <file:line:column operation>
//
// (on one line; what follows the two hashes is for people). Lines starting
// with '#' are comments. A malformed line, or a file that cannot be read or
// written, gets one warning and is otherwise ignored.
//
//===----------------------------------------------------------------------===//

#include "mapguard_internal.h"
#include "mapped.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

using namespace __mapguard;

namespace {

constexpr size_t kLearnedSiteBits = 11;
constexpr size_t kLearnedSites = size_t(1) << kLearnedSiteBits;
size_t g_learned_count;

constexpr size_t kRecordedPairs = 256;
constexpr size_t kDescriptionBytes = 200;
struct RecordedPair {
  std::atomic<uint64_t> mine;
  uint64_t previous;
  std::atomic<bool> ready;
  char description[kDescriptionBytes];
};

// 72 KiB, mapped at startup when learn_path is set.
struct LearnTables {
  // Learned sites (both sites of every pair read at startup), open
  // addressing; 0 is an empty entry. Filled before main, read-only after.
  uint64_t sites[kLearnedSites];
  // Pairs recorded in this run: their hashes (0: free entry, claimed with a
  // CAS) and their description, written when the entry is claimed.
  RecordedPair recorded[kRecordedPairs];
};
MappedOnFirstUse<LearnTables> g_tables;

bool g_learning; // learn_path is set, and g_tables mapped

} // namespace

static uint64_t Fnv(uint64_t H, const char *S) {
  if (S)
    for (; *S; ++S)
      H = (H ^ uint8_t(*S)) * 0x100000001b3ull;
  return (H ^ 0xff) * 0x100000001b3ull; // ends each string
}

// The site's hash, never 0.
static uint64_t SiteHash(const Site *S) {
  uint64_t H = 0xcbf29ce484222325ull;
  H = Fnv(H, S->file);
  H = Fnv(H, S->function);
  H = Fnv(H, S->container);
  H = Fnv(H, S->operation);
  H = (H ^ S->line) * 0x100000001b3ull;
  H = (H ^ S->column) * 0x100000001b3ull;
  return H ? H : 1;
}

// A site pointer as a slot stores it: strict mode marks an ended write's.
static const Site *Unmarked(const Site *S) {
  return reinterpret_cast<const Site *>(uintptr_t(S) & ~kEndedSiteBit);
}

static bool FindLearned(uint64_t H, bool Insert) {
  size_t I = size_t(H * kHashMultiplier >> (64 - kLearnedSiteBits));
  for (size_t Probe = 0; Probe < kLearnedSites; ++Probe) {
    uint64_t &Entry = g_tables.peek()->sites[(I + Probe) & (kLearnedSites - 1)];
    if (Entry == H)
      return true;
    if (Entry == 0) {
      // Keep a quarter free, so that a lookup always ends at an empty entry.
      if (Insert && g_learned_count < kLearnedSites * 3 / 4) {
        Entry = H;
        ++g_learned_count;
      }
      return false;
    }
  }
  return false;
}

bool __mapguard::IsLearnedSite(const Site *S) {
  S = Unmarked(S);
  return g_learning && g_learned_count && S && FindLearned(SiteHash(S), false);
}

//===----------------------------------------------------------------------===//
// Recording
//===----------------------------------------------------------------------===//

// Appends to a fixed buffer, cutting off what does not fit.
struct Bounded {
  char *Buf;
  size_t Cap, Len = 0;
  Bounded &str(const char *S) {
    for (; S && *S && Len + 1 < Cap; ++S)
      Buf[Len++] = *S;
    Buf[Len] = 0;
    return *this;
  }
  Bounded &dec(uint64_t V) {
    char Digits[21];
    size_t N = sizeof(Digits) - 1;
    Digits[N] = 0;
    do
      Digits[--N] = char('0' + V % 10);
    while (V /= 10);
    return str(Digits + N);
  }
};

static void Describe(Bounded &Out, const Site *S) {
  Out.str(S->file && *S->file ? S->file : "<unknown>")
      .str(":")
      .dec(S->line)
      .str(":")
      .dec(S->column)
      .str(" ")
      .str(S->operation ? S->operation : "?");
}

void __mapguard::RecordHandoff(const Site *Mine, const Site *Previous) {
  Mine = Unmarked(Mine);
  Previous = Unmarked(Previous);
  if (!g_learning || !Mine || !Previous)
    return;
  uint64_t H1 = SiteHash(Mine), H2 = SiteHash(Previous);
  size_t I = size_t((H1 ^ (H2 * 31)) * kHashMultiplier >> 54) % kRecordedPairs;
  for (size_t Probe = 0; Probe < kRecordedPairs; ++Probe) {
    RecordedPair &P = g_tables.peek()->recorded[(I + Probe) % kRecordedPairs];
    uint64_t Key = P.mine.load(std::memory_order_acquire);
    if (Key == 0) {
      if (!P.mine.compare_exchange_strong(Key, H1, std::memory_order_acq_rel))
        continue; // another thread took it: look at it again
      P.previous = H2;
      Bounded Out{P.description, sizeof(P.description)};
      Describe(Out, Mine);
      Out.str(" <- ");
      Describe(Out, Previous);
      P.ready.store(true, std::memory_order_release);
      return;
    }
    // A pair being written by another thread may be this one: recording it
    // twice only writes it twice.
    if (Key == H1 && P.ready.load(std::memory_order_acquire) &&
        P.previous == H2)
      return;
  }
}

//===----------------------------------------------------------------------===//
// The file
//===----------------------------------------------------------------------===//

static void WarnOnce(const char *What, int Error) {
  static std::atomic<bool> Warned;
  if (Warned.exchange(true, std::memory_order_relaxed))
    return;
  char Buf[kMaxLogPath + 256];
  Output Out(2, Buf, sizeof(Buf));
  Out.pid().str("WARNING: MapGuard: learn_path ").str(g_options.learn_path);
  Out.str(": ").str(What);
  if (Error)
    if (const char *Name = strerrorname_np(Error))
      Out.str(" (").str(Name).str(")");
  Out.str("; going on without it\n");
  Out.flush();
}

static bool ParseHex(const char *&P, uint64_t *Out) {
  uint64_t V = 0;
  int Digits = 0;
  for (;; ++P, ++Digits) {
    char C = *P;
    int D = C >= '0' && C <= '9'   ? C - '0'
            : C >= 'a' && C <= 'f' ? C - 'a' + 10
                                   : -1;
    if (D < 0)
      break;
    V = V << 4 | uint64_t(D);
  }
  *Out = V;
  return Digits == 16 && V != 0;
}

// Calls Fn(Mine, Previous) for every pair line of the file open at Fd;
// false if a line is malformed (the others are still read).
template <class Callback> static bool ForEachPair(int Fd, Callback Fn) {
  char Line[512];
  size_t Len = 0;
  bool Overlong = false, Good = true;
  char Buf[4096];
  for (;;) {
    ssize_t N = read(Fd, Buf, sizeof(Buf));
    if (N < 0 && errno == EINTR)
      continue;
    bool End = N <= 0;
    for (ssize_t I = 0; I < (End ? 1 : N); ++I) {
      char C = End ? '\n' : Buf[I];
      if (C != '\n') {
        if (Len + 1 < sizeof(Line))
          Line[Len++] = C;
        else
          Overlong = true;
        continue;
      }
      Line[Len] = 0;
      if (Len && Line[0] != '#') {
        const char *P = Line;
        uint64_t Mine, Previous;
        if (!Overlong && ParseHex(P, &Mine) && *P++ == ' ' &&
            ParseHex(P, &Previous) && (*P == ' ' || *P == 0))
          Fn(Mine, Previous);
        else
          Good = false;
      }
      Len = 0;
      Overlong = false;
    }
    if (End)
      return Good;
  }
}

void __mapguard::LoadLearned() {
  g_learning = false;
  if (!g_options.learn_path[0])
    return;
  if (!g_tables.get("learn_path's tables", "going on without learn_path")) {
    WarnOnce("no memory for its tables", ENOMEM);
    return;
  }
  g_learning = true;
  int Fd = open(g_options.learn_path, O_RDONLY | O_CLOEXEC);
  if (Fd < 0) {
    if (errno != ENOENT) // no file yet: the first run
      WarnOnce("cannot read it", errno);
    return;
  }
  bool Good = ForEachPair(Fd, [](uint64_t Mine, uint64_t Previous) {
    FindLearned(Mine, true);
    FindLearned(Previous, true);
  });
  close(Fd);
  if (!Good)
    WarnOnce("a line is not '<16 hex digits> <16 hex digits> ...' (skipped)",
             0);
}

static void HexLine(Output &Out, uint64_t V) {
  char Digits[17];
  for (int I = 15; I >= 0; --I, V >>= 4)
    Digits[I] = "0123456789abcdef"[V & 15];
  Out.str(Digits, 16);
}

void __mapguard::SaveLearned() {
  if (!g_learning)
    return;
  bool Any = false;
  RecordedPair(&Recorded)[kRecordedPairs] = g_tables.peek()->recorded;
  for (RecordedPair &P : Recorded)
    Any |= P.ready.load(std::memory_order_acquire);
  if (!Any)
    return;
  int Fd =
      open(g_options.learn_path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (Fd < 0) {
    WarnOnce("cannot write it", errno);
    return;
  }
  // One process at a time reads what is there and appends what is new.
  while (flock(Fd, LOCK_EX) != 0 && errno == EINTR) {
  }
  bool Empty = lseek(Fd, 0, SEEK_END) == 0;
  lseek(Fd, 0, SEEK_SET);
  ForEachPair(Fd, [&Recorded](uint64_t Mine, uint64_t Previous) {
    for (RecordedPair &P : Recorded)
      if (P.mine.load(std::memory_order_relaxed) == Mine &&
          P.previous == Previous)
        P.ready.store(false, std::memory_order_relaxed); // already there
  });
  char Buf[4096];
  Output Out(Fd, Buf, sizeof(Buf));
  if (Empty)
    Out.str("# MapGuard learn_path: site pairs where a map changed writer "
            "between threads; writes at these sites hold busy_hold_us\n");
  for (RecordedPair &P : Recorded) {
    if (!P.ready.load(std::memory_order_acquire))
      continue;
    HexLine(Out, P.mine.load(std::memory_order_relaxed));
    Out.str(" ");
    HexLine(Out, P.previous);
    Out.str(" ").str(P.description).str("\n");
  }
  Out.flush();
  flock(Fd, LOCK_UN);
  close(Fd);
}
