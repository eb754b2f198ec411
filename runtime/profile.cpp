//===-- profile.cpp - profile_path: where maps change hands between threads
//-===//
//
// With profile_path=PATH, the runtime counts, per write site, the handoffs
// it sees: a write there that took a map over from another thread
// ("takeovers"), a write there whose map another thread then took over
// ("taken_from"), the handoff holds spent at its takeovers, and the threads
// that did either (up to kThreadsPerSite, with their names); and per map,
// its handoffs, threads and sites. At exit (and on SIGUSR2 with
// profile_signal=1) it writes them to PATH.<pid>, one JSON object a line:
//
//   {"type":"profile","pid":N,"time":"..."}
//   {"type":"site","file":...,"line":N,"column":N,"function":...,
//    "operation":...,"container":...,"takeovers":N,"taken_from":N,
//    "holds":N,"threads":[{"id":N,"name":"..."}],"more_threads":false}
//   {"type":"map","map":"0x...","container":...,"handoffs":N,
//    "threads":[...],"more_threads":false,"sites":[{"file":...,...}]}
//
// Only what reaches NoteHandoff is counted, a path that is already slow
// (the inline claims skip the runtime when nothing changes hands), so a
// profiled run does the same work on its hot path as any other. A map whose
// handoffs no longer hold (kHoldsPerMap) stops reaching the runtime, so the
// counts are of the handoffs the runtime saw: a lower bound for a map shared
// all the time, exact for the sites and threads that share it.
//
//===----------------------------------------------------------------------===//

#include "mapguard_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

using namespace __mapguard;

namespace {

constexpr unsigned kThreadsPerSite = 8;
constexpr size_t kProfileSites = 512;
constexpr size_t kProfileMaps = 256;
constexpr unsigned kSitesPerMap = 4;

// A thread seen at a site or map: its index, claimed with a CAS, then its
// kernel id and name, published by `ready`.
struct ThreadSeen {
  std::atomic<uint16_t> index;
  std::atomic<bool> ready;
  int32_t tid;
  char name[17];
};

struct Threads {
  ThreadSeen seen[kThreadsPerSite];
  std::atomic<bool> more; // a thread did not fit
};

// An entry is written when it is claimed and when a thread or site is first
// seen there, and only read after that; its counts are kept apart (below).
struct SiteEntry {
  std::atomic<const Site *> site; // null: free
  Threads threads;
};

struct MapEntry {
  std::atomic<uintptr_t> map; // 0: free
  std::atomic<const char *> container;
  std::atomic<const Site *> sites[kSitesPerMap];
  Threads threads;
};

// The counts, one row per shard of threads (thread index % kShards): a map
// shared under a mutex reaches ProfileHandoff at most of its handoffs, and
// one counter for all threads would move between cores at each of them.
constexpr unsigned kShards = 8;
struct SiteCounts {
  std::atomic<uint64_t> takeovers, taken_from, holds;
};
struct alignas(64) SiteShard {
  SiteCounts of[kProfileSites];
};
struct alignas(64) MapShard {
  std::atomic<uint64_t> handoffs[kProfileMaps];
};

// Mapped at startup when profile_path is set, so that a run without it
// carries none of it (zero pages until used).
struct Tables {
  SiteEntry sites[kProfileSites];
  MapEntry maps[kProfileMaps];
  SiteShard site_counts[kShards];
  MapShard map_counts[kShards];
  char buffer[8192]; // the profile on its way to the file
};
Tables *g_tables;

// A count of site I, or of map I, summed over the shards.
uint64_t SiteCount(size_t I, std::atomic<uint64_t> SiteCounts::*Field) {
  uint64_t Total = 0;
  for (SiteShard &S : g_tables->site_counts)
    Total += (S.of[I].*Field).load(std::memory_order_relaxed);
  return Total;
}
uint64_t MapHandoffs(size_t I) {
  uint64_t Total = 0;
  for (MapShard &S : g_tables->map_counts)
    Total += S.handoffs[I].load(std::memory_order_relaxed);
  return Total;
}

// The entry for Key in Table (open addressing, claimed with a CAS); null
// when the table is full.
template <class Entry, class KeyType, size_t N>
Entry *FindOrClaim(Entry (&Table)[N], std::atomic<KeyType> Entry::*Field,
                   KeyType Key, uint64_t Hash) {
  size_t I = size_t(Hash * kHashMultiplier >> 40) % N;
  for (size_t Probe = 0; Probe < N; ++Probe) {
    Entry &E = Table[(I + Probe) % N];
    KeyType Found = (E.*Field).load(std::memory_order_acquire);
    if (Found == Key)
      return &E;
    if (!Found && (E.*Field).compare_exchange_strong(Found, Key,
                                                     std::memory_order_acq_rel))
      return &E;
    if (Found == Key) // another thread claimed it for Key first
      return &E;
  }
  return nullptr;
}

// Adds the thread of Index (the calling thread if Current) to T, once.
void AddThread(Threads &T, uint16_t Index, bool Current) {
  if (Index == 0)
    return;
  for (ThreadSeen &S : T.seen) {
    uint16_t Found = S.index.load(std::memory_order_acquire);
    if (Found == 0 && S.index.compare_exchange_strong(
                          Found, Index, std::memory_order_acq_rel)) {
      ConflictWriter W = {nullptr, Current ? CurrentTid() : ThreadTid(Index),
                          Current, Index};
      S.tid = W.tid;
      ReadThreadName(W, S.name);
      S.ready.store(true, std::memory_order_release);
      return;
    }
    if (Found == Index)
      return;
  }
  T.more.store(true, std::memory_order_relaxed);
}

SiteEntry *SiteEntryFor(const Site *S) {
  if (!S)
    return nullptr;
  return FindOrClaim(g_tables->sites, &SiteEntry::site, S,
                     uint64_t(uintptr_t(S)));
}

void AddMapSite(MapEntry &M, const Site *S) {
  for (std::atomic<const Site *> &Slot : M.sites) {
    const Site *Found = Slot.load(std::memory_order_acquire);
    if (Found == S)
      return;
    if (!Found &&
        Slot.compare_exchange_strong(Found, S, std::memory_order_acq_rel))
      return;
    if (Found == S)
      return;
  }
}

} // namespace

void __mapguard::ProfileHandoff(uintptr_t Addr, uint64_t Previous,
                                const Site *MySite, const Site *PreviousSite,
                                bool Held) {
  if (!g_tables)
    return; // profile_path set after startup (tests), or no memory
  uint16_t Mine = ThreadIndex(), Theirs = KeyThreadIndex(Previous);
  if (!Previous || KeyAddress(Previous) != Addr || Theirs == Mine)
    return; // not a handoff of this map between threads
  PreviousSite =
      reinterpret_cast<const Site *>(uintptr_t(PreviousSite) & ~kEndedSiteBit);
  unsigned Shard = Mine % kShards;
  if (SiteEntry *E = SiteEntryFor(MySite)) {
    SiteCounts &C = g_tables->site_counts[Shard].of[E - g_tables->sites];
    C.takeovers.fetch_add(1, std::memory_order_relaxed);
    if (Held)
      C.holds.fetch_add(1, std::memory_order_relaxed);
    AddThread(E->threads, Mine, true);
  }
  if (SiteEntry *E = SiteEntryFor(PreviousSite)) {
    g_tables->site_counts[Shard].of[E - g_tables->sites].taken_from.fetch_add(
        1, std::memory_order_relaxed);
    AddThread(E->threads, Theirs, false);
  }
  if (MapEntry *M = FindOrClaim(g_tables->maps, &MapEntry::map, Addr,
                                uint64_t(Addr) >> kMapAlignBits)) {
    g_tables->map_counts[Shard].handoffs[M - g_tables->maps].fetch_add(
        1, std::memory_order_relaxed);
    if (MySite && !M->container.load(std::memory_order_relaxed))
      M->container.store(MySite->container, std::memory_order_relaxed);
    AddMapSite(*M, MySite);
    if (PreviousSite)
      AddMapSite(*M, PreviousSite);
    AddThread(M->threads, Mine, true);
    AddThread(M->threads, Theirs, false);
  }
}

//===----------------------------------------------------------------------===//
// The file
//===----------------------------------------------------------------------===//

namespace {

void PrintThreads(Output &Out, const Threads &T) {
  Out.str(",\"threads\":[");
  bool First = true;
  for (const ThreadSeen &S : T.seen) {
    if (!S.ready.load(std::memory_order_acquire))
      continue;
    Out.str(First ? "{\"id\":" : ",{\"id\":");
    First = false;
    JsonNumber(Out, S.tid > 0 ? uint64_t(S.tid) : 0);
    Out.str(",\"name\":");
    JsonString(Out, S.name);
    Out.str("}");
  }
  Out.str("],\"more_threads\":");
  Out.str(T.more.load(std::memory_order_relaxed) ? "true" : "false");
}

void PrintSiteFields(Output &Out, const Site *S) {
  Out.str("\"file\":");
  JsonPath(Out, S->file);
  Out.str(",\"line\":");
  JsonNumber(Out, S->line);
  Out.str(",\"column\":");
  JsonNumber(Out, S->column);
  Out.str(",\"function\":");
  JsonString(Out, S->function && *S->function ? S->function : nullptr);
  Out.str(",\"operation\":");
  JsonString(Out, S->operation && *S->operation ? S->operation : nullptr);
}

std::atomic<bool> g_writing;

} // namespace

void __mapguard::SaveProfile() {
  if (!g_options.profile_path[0] || !g_tables ||
      g_writing.exchange(true, std::memory_order_acquire))
    return;
  char Name[kMaxLogPath + 32];
  Output N(-1, Name, sizeof(Name) - 1);
  N.str(g_options.profile_path).str(".").dec(uint64_t(getpid())).str("", 1);
  int Fd = open(Name, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (Fd < 0) {
    char Buf[kMaxLogPath + 128];
    Output W(2, Buf, sizeof(Buf));
    W.pid().str("WARNING: MapGuard: cannot write profile ").str(Name);
    W.str("\n");
    W.flush();
    g_writing.store(false, std::memory_order_release);
    return;
  }
  Output Out(Fd, g_tables->buffer, sizeof(g_tables->buffer));
  Out.str("{\"type\":\"profile\",\"pid\":").dec(uint64_t(getpid()));
  Out.str(",\"time\":");
  JsonTime(Out);
  Out.str("}\n");
  for (const SiteEntry &E : g_tables->sites) {
    const Site *S = E.site.load(std::memory_order_acquire);
    if (!S)
      continue;
    Out.str("{\"type\":\"site\",");
    PrintSiteFields(Out, S);
    Out.str(",\"container\":");
    JsonString(Out, S->container && *S->container ? S->container : nullptr);
    size_t I = size_t(&E - g_tables->sites);
    Out.str(",\"takeovers\":").dec(SiteCount(I, &SiteCounts::takeovers));
    Out.str(",\"taken_from\":").dec(SiteCount(I, &SiteCounts::taken_from));
    Out.str(",\"holds\":").dec(SiteCount(I, &SiteCounts::holds));
    PrintThreads(Out, E.threads);
    Out.str("}\n");
  }
  for (const MapEntry &M : g_tables->maps) {
    uintptr_t Addr = M.map.load(std::memory_order_acquire);
    if (!Addr)
      continue;
    Out.str("{\"type\":\"map\",\"map\":\"0x")
        .hex(Addr)
        .str("\",\"container\":");
    const char *Container = M.container.load(std::memory_order_relaxed);
    JsonString(Out, Container && *Container ? Container : nullptr);
    Out.str(",\"handoffs\":").dec(MapHandoffs(size_t(&M - g_tables->maps)));
    PrintThreads(Out, M.threads);
    Out.str(",\"sites\":[");
    bool First = true;
    for (const std::atomic<const Site *> &Slot : M.sites) {
      const Site *S = Slot.load(std::memory_order_acquire);
      if (!S)
        continue;
      Out.str(First ? "{" : ",{");
      First = false;
      PrintSiteFields(Out, S);
      Out.str("}");
    }
    Out.str("]}\n");
  }
  Out.flush();
  close(Fd);
  g_writing.store(false, std::memory_order_release);
}

// SIGUSR2 (profile_signal=1): the profile so far. Only write(2), open(2)
// and atomics: safe in a handler.
static void OnProfileSignal(int) {
  int Saved = errno;
  SaveProfile();
  errno = Saved;
}

void __mapguard::StartProfile() {
  if (!g_options.profile_path[0])
    return;
  if (!g_tables) {
    void *Memory = mmap(nullptr, sizeof(Tables), PROT_READ | PROT_WRITE,
                        MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (Memory == MAP_FAILED) {
      char Buf[128];
      Output W(2, Buf, sizeof(Buf));
      W.pid().str("WARNING: MapGuard: no memory for profile_path; "
                  "going on without it\n");
      W.flush();
      return;
    }
    g_tables = static_cast<Tables *>(Memory);
  }
  if (!g_options.profile_signal)
    return;
  struct sigaction Action;
  memset(&Action, 0, sizeof(Action));
  Action.sa_handler = OnProfileSignal;
  Action.sa_flags = SA_RESTART;
  sigemptyset(&Action.sa_mask);
  sigaction(SIGUSR2, &Action, nullptr);
}

void __mapguard::ResetProfileAfterFork() {
  if (!g_tables)
    return;
  for (SiteEntry &E : g_tables->sites) {
    if (!E.site.load(std::memory_order_relaxed))
      continue;
    for (SiteShard &S : g_tables->site_counts)
      memset(static_cast<void *>(&S.of[&E - g_tables->sites]), 0,
             sizeof(SiteCounts));
    memset(static_cast<void *>(&E), 0, sizeof(E));
  }
  for (MapEntry &M : g_tables->maps) {
    if (!M.map.load(std::memory_order_relaxed))
      continue;
    for (MapShard &S : g_tables->map_counts)
      S.handoffs[&M - g_tables->maps].store(0, std::memory_order_relaxed);
    memset(static_cast<void *>(&M), 0, sizeof(M));
  }
  g_writing.store(false, std::memory_order_relaxed);
}
