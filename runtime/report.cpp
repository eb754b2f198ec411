//===-- report.cpp - The "concurrent map writes" report -------------------===//
//
// Prints what the tables' hooks found, in the shape sanitizer users know and
// with Go's own words:
//
//   ==<pid>==ERROR: MapGuard: concurrent map writes
//   fatal error: concurrent map writes
//     map 0x<address> (<container>)
//     write by thread <tid> "<name>" in <function> at <file>:<l>:<c> [<op>]
//     while thread <tid> "<name>" was writing it in <function> at ...
//   SUMMARY: MapGuard: concurrent map writes <file>:<line> in <function>
//
// A read or iteration check that finds a writer says "concurrent map read
// and map write" / "concurrent map iteration and map write" instead, and
// "read by" / "iteration by" for the second line, as Go does.
//
// then abort()s, or with halt_on_error=0 counts the report (each unordered
// pair of sites once) and sets the exit status at exit.
//
//===----------------------------------------------------------------------===//

#include "mapguard_internal.h"
#include "stacks.h"

#include <atomic>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <errno.h>

using namespace __mapguard;

//===----------------------------------------------------------------------===//
// Output
//===----------------------------------------------------------------------===//

void __mapguard::WriteAll(int Fd, const char *Buf, size_t Len) {
  while (Len > 0) {
    ssize_t N = write(Fd, Buf, Len);
    if (N < 0) {
      if (errno == EINTR)
        continue;
      return;
    }
    Buf += N;
    Len -= size_t(N);
  }
}

Output &Output::str(const char *S, size_t N) {
  while (N > 0) {
    if (Len == Cap) {
      if (Fd < 0)
        return *this;
      flush();
    }
    size_t Chunk = Cap - Len < N ? Cap - Len : N;
    for (size_t I = 0; I < Chunk; ++I)
      Buf[Len + I] = S[I];
    Len += Chunk;
    S += Chunk;
    N -= Chunk;
  }
  return *this;
}

Output &Output::str(const char *S) {
  size_t N = 0;
  while (S[N])
    ++N;
  return str(S, N);
}

Output &Output::dec(uint64_t V) {
  char Digits[20];
  size_t N = 0;
  do {
    Digits[sizeof(Digits) - ++N] = char('0' + V % 10);
    V /= 10;
  } while (V);
  return str(Digits + sizeof(Digits) - N, N);
}

Output &Output::hex(uint64_t V) {
  char Digits[16];
  size_t N = 0;
  do {
    Digits[sizeof(Digits) - ++N] = "0123456789abcdef"[V % 16];
    V /= 16;
  } while (V);
  return str(Digits + sizeof(Digits) - N, N);
}

Output &Output::pid() { return str("==").dec(uint64_t(getpid())).str("=="); }

void Output::flush() {
  WriteAll(Fd, Buf, Len);
  Len = 0;
}

//===----------------------------------------------------------------------===//
// Where reports go
//===----------------------------------------------------------------------===//

static bool SameString(const char *A, const char *B) {
  while (*A && *A == *B)
    ++A, ++B;
  return *A == *B;
}

int __mapguard::OpenLogFd() {
  const char *Path = g_options.log_path;
  if (SameString(Path, "stderr"))
    return 2;
  if (SameString(Path, "stdout"))
    return 1;
  char Name[kMaxLogPath + 32];
  Output Out(-1, Name, sizeof(Name)); // never flushes: Name is large enough
  Out.str(Path).str(".").dec(uint64_t(getpid())).str("", 1);
  int Fd = open(Name, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (Fd >= 0)
    return Fd;
  // A report must not get lost: it goes to stderr, after one warning (no
  // strerror, which may allocate to translate).
  int Error = errno;
  static std::atomic<bool> Warned;
  if (!Warned.exchange(true, std::memory_order_relaxed)) {
    char Buf[256];
    Output Out(2, Buf, sizeof(Buf));
    Out.pid().str("WARNING: MapGuard: cannot open log file ").str(Name);
    if (const char *ErrorName = strerrorname_np(Error))
      Out.str(" (").str(ErrorName).str(")");
    Out.str("; writing reports to stderr\n");
    Out.flush();
  }
  return 2;
}

void __mapguard::CloseLogFd(int Fd) {
  if (Fd > 2)
    close(Fd);
}

//===----------------------------------------------------------------------===//
// The report
//===----------------------------------------------------------------------===//

static const char *OrUnknown(const char *S) {
  return S && *S ? S : "<unknown>";
}

static void PrintLocation(Output &Out, const Site &S) {
  PrintSourcePath(Out, S.file);
  if (S.line == 0)
    return;
  Out.str(":").dec(S.line);
  if (S.column != 0)
    Out.str(":").dec(S.column);
}

// Into Name (at least 17 bytes): the name of the live thread Tid of this
// process; false if there is none.
static bool ReadProcThreadName(int32_t Tid, char *Name) {
  char Path[64];
  Output P(-1, Path, sizeof(Path));
  P.str("/proc/self/task/").dec(uint64_t(Tid)).str("/comm").str("", 1);
  int Fd = open(Path, O_RDONLY | O_CLOEXEC);
  if (Fd < 0)
    return false;
  ssize_t N = read(Fd, Name, 16);
  close(Fd);
  if (N <= 0)
    return false;
  Name[N] = 0;
  if (Name[N - 1] == '\n')
    Name[N - 1] = 0;
  return true;
}

// A thread that has exited is named as it was when it registered.
void __mapguard::ReadThreadName(const ConflictWriter &W, char *Name) {
  Name[0] = 0;
  if (W.is_current) {
    char Comm[17] = {};
    if (prctl(PR_GET_NAME, Comm, 0, 0, 0) == 0) {
      for (int I = 0; I < 17; ++I)
        Name[I] = Comm[I];
    }
  } else if (!(W.tid > 0 && ReadProcThreadName(W.tid, Name)) &&
             W.thread_index != 0) {
    RegisteredThreadName(W.thread_index, Name);
  }
  if (!Name[0]) {
    Name[0] = '?';
    Name[1] = 0;
  }
}

void __mapguard::PrintWriter(Output &Out, const ConflictWriter &W,
                             const char *Doing) {
  char Name[17];
  ReadThreadName(W, Name);
  Out.str("thread ");
  if (W.tid > 0)
    Out.dec(uint64_t(W.tid));
  else
    Out.str("?");
  Out.str(" \"").str(Name).str("\"").str(Doing);
  if (!W.site) {
    Out.str(" at <unknown site>\n");
    return;
  }
  Out.str(" in ").str(OrUnknown(W.site->function)).str(" at ");
  PrintLocation(Out, *W.site);
  Out.str(" [").str(OrUnknown(W.site->operation)).str("]\n");
}

// Big enough for any ordinary report in one write(2); a longer one (huge
// demangled names) is written in several. Static, so that a report needs no
// stack to speak of; only used under the report lock.
static char g_report_buffer[8192];

void __mapguard::ConflictWords(ConflictKind Kind, const char **What,
                               const char **Second) {
  *What = "concurrent map writes";
  *Second = "write";
  if (Kind == ConflictKind::ReadWrite) {
    *What = "concurrent map read and map write";
    *Second = "read";
  } else if (Kind == ConflictKind::IterationWrite) {
    *What = "concurrent map iteration and map write";
    *Second = "iteration";
  }
}

const char *__mapguard::FirstWriterDoing(const Conflict &C) {
  return !C.first.ended ? " was writing it"
         : C.kind == ConflictKind::IterationWrite
             ? " wrote it during this iteration"
             : " wrote it during these reads";
}

void __mapguard::PrintConflictReport(const Conflict &C, int Fd) {
  const char *What, *Second;
  ConflictWords(C.kind, &What, &Second);
  Output Out(Fd, g_report_buffer, sizeof(g_report_buffer));
  Out.pid().str("ERROR: MapGuard: ").str(What).str("\n");
  Out.str("fatal error: ").str(What).str("\n");
  Out.str("  map 0x").hex(C.map).str(" (").str(OrUnknown(C.container));
  Out.str(")\n");
  Out.str("  ").str(Second).str(" by ");
  PrintWriter(Out, C.second, "");
  PrintStack(Out, C.second, 0);
  Out.str("  while ");
  PrintWriter(Out, C.first, FirstWriterDoing(C));
  PrintStack(Out, C.first, 1);
  Out.str("SUMMARY: MapGuard: ").str(What).str(" ");
  if (const Site *S = C.second.site) {
    PrintSourcePath(Out, S->file);
    if (S->line)
      Out.str(":").dec(S->line);
    Out.str(" in ").str(OrUnknown(S->function));
  } else {
    Out.str("<unknown site>");
  }
  Out.str("\n");
  Out.flush();
}

//===----------------------------------------------------------------------===//
// Conflicts found in a slot
//===----------------------------------------------------------------------===//

// The site of the write that holds Key in S. Its owner stores the site just
// after claiming the slot, so it may not be there yet: wait for it a little
// (about 1 ms). A site counts only if the slot still held Key after it was
// read; once the owner has moved on, its site is unknown.
static const Site *ReadOwnerSite(Slot &S, uint64_t Key) {
  uint64_t Deadline = 0;
  for (;;) {
    const Site *Found = S.site.load(std::memory_order_acquire);
    if (S.key.load(std::memory_order_acquire) != Key)
      return nullptr;
    if (Found && !(uintptr_t(Found) & kEndedSiteBit))
      return Found; // (tagged: the previous write's, still there)
    uint64_t Now = NowNanoseconds();
    if (Deadline == 0)
      Deadline = Now + 1000000;
    else if (Now > Deadline)
      return nullptr;
    sched_yield();
  }
}

// The site of the write whose tombstone Tomb is in S, if S still holds it
// after the site is read: strict mode's tagged site, fast mode's site (which
// stays until the next writer stores its own, just before its key).
static const Site *EndedWriteSite(Slot &S, uint64_t Tomb, bool Fast) {
  const Site *Found = S.site.load(std::memory_order_acquire);
  if (S.key.load(std::memory_order_acquire) != Tomb)
    return nullptr;
  if (Fast)
    return Found;
  if (!(uintptr_t(Found) & kEndedSiteBit))
    return nullptr;
  return reinterpret_cast<const Site *>(uintptr_t(Found) & ~kEndedSiteBit);
}

// Reports that the calling thread, at MySite, met Other on Addr.
static void ReportMeeting(uintptr_t Addr, const Site *MySite,
                          const ConflictWriter &Other, bool OtherIsSecond,
                          ConflictKind Kind, bool Fast) {
  ConflictWriter Me = {MySite, CurrentTid(), true};
  Conflict C;
  C.kind = Kind;
  C.fast = Fast;
  C.map = Addr;
  C.container = MySite ? MySite->container : nullptr;
  C.second = OtherIsSecond ? Other : Me;
  C.first = OtherIsSecond ? Me : Other;
  ReportConflict(C); // returns only with halt_on_error=0
}

void __mapguard::ReportSlotConflict(uintptr_t Addr, const Site *MySite,
                                    Slot &OtherSlot, uint64_t OtherKey,
                                    bool OtherIsSecond, ConflictKind Kind) {
  uint16_t OtherIndex = KeyThreadIndex(OtherKey);
  ConflictWriter Other = {ReadOwnerSite(OtherSlot, OtherKey),
                          ThreadTid(OtherIndex), false, OtherIndex};
  Other.slot = &OtherSlot;
  Other.key = OtherKey;
  bool Fast = &OtherSlot >= __mapguard_fast_table &&
              &OtherSlot < __mapguard_fast_table + kFastSlots;
  ReportMeeting(Addr, MySite, Other, OtherIsSecond, Kind, Fast);
}

void __mapguard::ReportWindowConflict(uintptr_t Addr, const Site *MySite,
                                      Slot &Home, uint64_t Found, bool Fast,
                                      ConflictKind Kind) {
  // Named only if the slot still holds the write's tombstone (Found is
  // either that tombstone or the write's key).
  uint16_t WriterIndex = KeyThreadIndex(Found);
  ConflictWriter Writer = {EndedWriteSite(Home, Found | kTombBit, Fast),
                           ThreadTid(WriterIndex), false, WriterIndex};
  Writer.ended = true;
  ReportMeeting(Addr, MySite, Writer, /*OtherIsSecond=*/false, Kind, Fast);
}

//===----------------------------------------------------------------------===//
// Halt, or count once per pair of sites
//===----------------------------------------------------------------------===//

static std::atomic<bool> g_report_lock;
static std::atomic<uint64_t> g_report_count;
static std::atomic<uint64_t> g_conflict_count;

// Unordered pairs of sites already reported (halt_on_error=0). When it is
// full, further pairs are reported every time rather than not at all.
constexpr size_t kMaxReportedPairs = 256;
struct ReportedPair {
  const Site *lo, *hi;
};
static ReportedPair g_reported_pairs[kMaxReportedPairs];
static size_t g_num_reported_pairs;

void __mapguard::LockReports() {
  while (g_report_lock.exchange(true, std::memory_order_acquire))
    while (g_report_lock.load(std::memory_order_relaxed))
      sched_yield();
}

void __mapguard::UnlockReports() {
  g_report_lock.store(false, std::memory_order_release);
}

void __mapguard::ResetReportLockAfterFork() {
  g_report_lock.store(false, std::memory_order_relaxed);
}

// Under the report lock. True if the pair {A, B} is new (and records it).
// A pair with an unknown side (the other writer ended before its site could
// be read) is no news about a site that was already reported with another:
// it is most likely the same race seen from its end.
static bool IsNewPair(const Site *A, const Site *B) {
  const Site *Lo = A < B ? A : B, *Hi = A < B ? B : A;
  for (size_t I = 0; I < g_num_reported_pairs; ++I) {
    const ReportedPair &P = g_reported_pairs[I];
    if (P.lo == Lo && P.hi == Hi)
      return false;
    if (!Lo && Hi && (P.lo == Hi || P.hi == Hi))
      return false;
  }
  if (g_num_reported_pairs < kMaxReportedPairs)
    g_reported_pairs[g_num_reported_pairs++] = {Lo, Hi};
  return true;
}

void __mapguard::ReportConflict(const Conflict &C) {
  LockReports();
  g_conflict_count.fetch_add(1, std::memory_order_relaxed);
  bool Halt = g_options.halt_on_error;
  if (!Halt && !IsNewPair(C.second.site, C.first.site)) {
    UnlockReports();
    return;
  }
  TakeStacks(C);
  int Fd = OpenLogFd();
  PrintReportInFormat(C, Fd);
  CloseLogFd(Fd);
  if (Halt)
    abort(); // still holding the lock: no other report may follow this one
  g_report_count.fetch_add(1, std::memory_order_relaxed);
  UnlockReports();
}

uint64_t __mapguard::ReportCount() {
  return g_report_count.load(std::memory_order_relaxed);
}

uint64_t __mapguard::ConflictCount() {
  return g_conflict_count.load(std::memory_order_relaxed);
}

void __mapguard::ReportAtExit() {
  LockReports();
  char Buf[256];
  int Fd = -1;
  if (g_options.verbosity >= 1) {
    Fd = OpenLogFd();
    Output Out(Fd, Buf, sizeof(Buf));
    Out.pid().str("MapGuard: ").dec(UntrackedWriteCount());
    Out.str(" map write(s) went untracked (flag table bucket full)\n");
    Out.pid().str("MapGuard: ").dec(BiasRevocationCount());
    Out.str(" biased bucket(s) taken back by another thread's write\n");
    Out.flush();
  }
  uint64_t N = ReportCount();
  if (N == 0) {
    CloseLogFd(Fd);
    UnlockReports();
    return;
  }
  if (Fd < 0)
    Fd = OpenLogFd();
  if (g_options.report_format == ReportFormat::Json) {
    PrintJsonSummary(N, Fd);
  } else {
    Output Out(Fd, Buf, sizeof(Buf));
    Out.pid().str("MapGuard: ").dec(N);
    Out.str(" concurrent map write report(s)\n");
    Out.str("SUMMARY: MapGuard: ").dec(N);
    Out.str(" concurrent map write report(s)\n");
    Out.flush();
  }
  CloseLogFd(Fd);
  fflush(nullptr);
  _exit(g_options.exitcode);
}
