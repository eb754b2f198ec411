//===-- thread.cpp - Thread identity and fork -----------------------------===//
//
// Each thread gets a 16-bit index at its first guarded operation: a key
// carries it, and a report turns it back into the thread's kernel id and
// name. The child of fork() starts with empty tables.
//
//===----------------------------------------------------------------------===//

#include "mapguard_internal.h"
#include "mapped.h"

#include <pthread.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

using namespace __mapguard;

// 0 = not registered yet. Initial-exec TLS: a single %fs-relative load, no
// call to __tls_get_addr. The inline paths read the published copy, which
// stays 0 under stress=1 (mapguard_abi.h): no key they build then matches a
// slot, so every write and read reaches the runtime.
__thread uint16_t __mapguard::t_thread_index
    __attribute__((tls_model("initial-exec")));
__thread uint16_t __mapguard_thread_index
    __attribute__((tls_model("initial-exec")));

void __mapguard::PublishThreadIndex() {
  __mapguard_thread_index = g_options.stress ? 0 : t_thread_index;
}

// The next index to hand out. After 65535 thread creations indices wrap and
// two live threads may share one; each then takes the other's flag for its
// own nested write, so sharing can only hide a conflict between those two,
// never invent one.
static std::atomic<uint32_t> g_next_thread_index{1};

// What a report needs of a thread by index: its kernel id, and its name as
// it was at registration (16 bytes with the NUL, in two words), by which a
// report names a thread that has exited since, whose
// /proc/self/task/<tid>/comm is gone. 1.5 MiB, mapped at the first
// registration: a program touches one page per 170 threads it starts.
namespace {
struct ThreadRecord {
  std::atomic<int32_t> tid;
  std::atomic<uint64_t> name[2];
};
struct ThreadRecords {
  ThreadRecord of[1u << kThreadIndexBits];
};
MappedOnFirstUse<ThreadRecords> g_threads;
} // namespace

int32_t __mapguard::CurrentTid() { return int32_t(syscall(SYS_gettid)); }

uint16_t __mapguard::RegisterThread() {
  uint16_t Index;
  do
    Index =
        uint16_t(g_next_thread_index.fetch_add(1, std::memory_order_relaxed));
  while (Index == 0);
  // Without the table (mmap failed) the thread still gets its index and its
  // writes are checked; a report it is not running names it "?".
  if (ThreadRecords *T =
          g_threads.get("thread records", "reports name other threads \"?\"")) {
    ThreadRecord &R = T->of[Index];
    R.tid.store(CurrentTid(), std::memory_order_relaxed);
    uint64_t Name[2] = {0, 0};
    prctl(PR_GET_NAME, Name, 0, 0, 0);
    R.name[0].store(Name[0], std::memory_order_relaxed);
    R.name[1].store(Name[1], std::memory_order_relaxed);
  }
  t_thread_index = Index;
  SetUpMarker(Index);
  PublishThreadIndex();
  return Index;
}

uint16_t __mapguard::CurrentThreadIndex() { return ThreadIndex(); }

int32_t __mapguard::ThreadTid(uint16_t Index) {
  ThreadRecords *T = g_threads.peek();
  return T ? T->of[Index].tid.load(std::memory_order_relaxed) : 0;
}

void __mapguard::RegisteredThreadName(uint16_t Index, char *Name) {
  Name[0] = 0;
  ThreadRecords *T = g_threads.peek();
  if (!T)
    return;
  uint64_t Words[2] = {T->of[Index].name[0].load(std::memory_order_relaxed),
                       T->of[Index].name[1].load(std::memory_order_relaxed)};
  __builtin_memcpy(Name, Words, 16);
  Name[16] = 0;
}

//===----------------------------------------------------------------------===//
// Fork
//===----------------------------------------------------------------------===//

// Only slots in use are written, so that the child does not copy every page
// of the tables.
static void ClearSlot(Slot &S) {
  if (S.key.load(std::memory_order_relaxed) ||
      S.site.load(std::memory_order_relaxed)) {
    S.key.store(0, std::memory_order_relaxed);
    S.site.store(nullptr, std::memory_order_relaxed);
  }
}

// The child of fork() has one thread: the writes other threads had open are
// not its own, so it starts with empty tables. The forking thread keeps its
// index under its new kernel thread id.
static void AfterForkInChild() {
  for (Bucket &B : __mapguard_strict_table) {
    for (Slot &S : B.slots)
      ClearSlot(S);
    if (B.away.load(std::memory_order_relaxed))
      B.away.store(0, std::memory_order_relaxed);
  }
  ResetBiasAfterFork();
  for (Slot &S : __mapguard_fast_table)
    ClearSlot(S);
  ResetReportLockAfterFork();
  ResetProfileAfterFork();
  uint16_t Index = t_thread_index;
  if (ThreadRecords *T = g_threads.peek(); T && Index)
    T->of[Index].tid.store(CurrentTid(), std::memory_order_relaxed);
}

// Registered before user constructors run (priority 101 is the first one
// not reserved for the implementation), as the options are (options.cpp).
__attribute__((constructor(101))) static void InstallForkHandler() {
  pthread_atfork(nullptr, nullptr, AfterForkInChild);
}
