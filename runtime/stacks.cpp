//===-- stacks.cpp - The two threads' call stacks in a report -------------===//
//
// A report shows, under each access, its thread's call stack (stack_depth
// frames; 0: the site lines only). The reporting thread unwinds its own. The
// other thread must be asked while it is still inside its access: the
// reporter sends it SIGURG (ignored by default, so a late signal is
// harmless), and its handler unwinds only if the slot still holds that
// access's key; the reporter waits at most 100 ms. Addresses are symbolized
// by llvm-symbolizer (external_symbolizer_path, MAPGUARD_SYMBOLIZER_PATH, or
// the one next to the clang MapGuard was built with); without it, the report
// keeps its site lines. Only the report's path gets here: it may allocate,
// spawn and wait.
//
//===----------------------------------------------------------------------===//
#include "stacks.h"

#include "mapguard_internal.h"
#include "mapped.h"
#include "options.h"

#include <atomic>
#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <unwind.h>

extern char **environ;

// The unwinder (libgcc_s, or libunwind with libc++) is referenced weakly: the
// runtime needs nothing but libc, and a program linked without an unwinder
// gets reports without stacks.
#pragma weak _Unwind_Backtrace
#pragma weak _Unwind_GetIPInfo

namespace __mapguard {
namespace {

struct UnwindState {
  Stack *Out;
  int Skip;
  bool FromSignal; // start at the interrupted frame
  bool Started;
};

_Unwind_Reason_Code CollectFrame(_Unwind_Context *Ctx, void *Arg) {
  UnwindState &S = *static_cast<UnwindState *>(Arg);
  int BeforeInsn = 0;
  uintptr_t Pc = _Unwind_GetIPInfo(Ctx, &BeforeInsn);
  if (S.FromSignal && !S.Started) {
    // Frames up to the signal trampoline are the handler's; the interrupted
    // frame's pc is exact (BeforeInsn).
    if (!BeforeInsn)
      return _URC_NO_REASON;
    S.Started = true;
  } else if (S.Skip > 0) {
    --S.Skip;
    return _URC_NO_REASON;
  }
  if (Pc == 0 || S.Out->depth >= kMaxStackDepth ||
      S.Out->depth >= g_options.stack_depth + kRuntimeFrames)
    return _URC_END_OF_STACK;
  // A return address points after its call: the call is the byte before.
  S.Out->pc[S.Out->depth++] = BeforeInsn ? Pc : Pc - 1;
  return _URC_NO_REASON;
}

struct StackRequest {
  int32_t Tid = 0;
  Slot *InSlot = nullptr;
  uint64_t Key = 0;
  Stack *Out = nullptr;
  std::atomic<int> Done{0};
};
// Static, not on the reporter's stack: a handler that runs after the wait
// gave up still finds it. (Reports are one at a time.)
StackRequest g_one_request;
std::atomic<StackRequest *> g_request;
struct sigaction g_previous;

void OnStackRequest(int Signal, siginfo_t *Info, void *Context) {
  StackRequest *R = g_request.load(std::memory_order_acquire);
  if (R && R->Tid == CurrentTid()) {
    // Still inside the access the report names, or it is over.
    if (R->InSlot->key.load(std::memory_order_acquire) == R->Key) {
      UnwindState S = {R->Out, 0, true, false};
      _Unwind_Backtrace(CollectFrame, &S);
    } else {
      R->Out->ended = true;
    }
    R->Done.store(1, std::memory_order_release);
    return;
  }
  // Someone else's SIGURG.
  if (g_previous.sa_flags & SA_SIGINFO) {
    if (g_previous.sa_sigaction)
      g_previous.sa_sigaction(Signal, Info, Context);
  } else if (g_previous.sa_handler != SIG_DFL &&
             g_previous.sa_handler != SIG_IGN) {
    g_previous.sa_handler(Signal);
  }
}

} // namespace

static bool HaveUnwinder() {
  return &_Unwind_Backtrace != nullptr && &_Unwind_GetIPInfo != nullptr;
}

void CaptureOwnStack(Stack &Out) {
  Out.depth = 0;
  Out.ended = false;
  if (g_options.stack_depth <= 0 || !HaveUnwinder())
    return;
  UnwindState S = {&Out, 1, false, false};
  _Unwind_Backtrace(CollectFrame, &S);
}

void CaptureThreadStack(int32_t Tid, Slot *InSlot, uint64_t Key, Stack &Out) {
  Out.depth = 0;
  Out.ended = false;
  if (g_options.stack_depth <= 0 || Tid <= 0 || !InSlot || !HaveUnwinder())
    return;
  StackRequest &R = g_one_request;
  R.Done.store(0, std::memory_order_relaxed);
  R.Tid = Tid;
  R.InSlot = InSlot;
  R.Key = Key;
  R.Out = &Out;
  struct sigaction Action;
  memset(&Action, 0, sizeof(Action));
  Action.sa_sigaction = OnStackRequest;
  Action.sa_flags = SA_SIGINFO | SA_RESTART;
  sigemptyset(&Action.sa_mask);
  g_request.store(&R, std::memory_order_release);
  if (sigaction(SIGURG, &Action, &g_previous) != 0) {
    g_request.store(nullptr, std::memory_order_release);
    return;
  }
  if (syscall(SYS_tgkill, getpid(), Tid, SIGURG) == 0) {
    for (int I = 0; I < 1000 && !R.Done.load(std::memory_order_acquire); ++I) {
      struct timespec Nap = {0, 100000};
      nanosleep(&Nap, nullptr);
    }
  }
  // A handler still running keeps R alive: wait it out, then stand down.
  g_request.store(nullptr, std::memory_order_release);
  if (!R.Done.load(std::memory_order_acquire)) {
    Out.depth = 0;
    Out.ended = true;
  }
  sigaction(SIGURG, &g_previous, nullptr);
}

namespace {

// Which loaded object holds Pc, and its load bias.
struct ModuleQuery {
  uintptr_t Pc;
  const char *Name = nullptr;
  uintptr_t Bias = 0;
};

int FindModule(dl_phdr_info *Info, size_t, void *Arg) {
  ModuleQuery &Q = *static_cast<ModuleQuery *>(Arg);
  for (int I = 0; I < Info->dlpi_phnum; ++I) {
    const ElfW(Phdr) &P = Info->dlpi_phdr[I];
    uintptr_t Lo = Info->dlpi_addr + P.p_vaddr;
    if (P.p_type == PT_LOAD && Q.Pc >= Lo && Q.Pc < Lo + P.p_memsz) {
      Q.Name = Info->dlpi_name;
      Q.Bias = Info->dlpi_addr;
      return 1;
    }
  }
  return 0;
}

const char *SymbolizerPath() {
  if (*g_options.external_symbolizer_path)
    return g_options.external_symbolizer_path;
  const char *Env = getenv("MAPGUARD_SYMBOLIZER_PATH");
  return Env && *Env ? Env : MAPGUARD_DEFAULT_SYMBOLIZER;
}

// Runs the symbolizer on Input; its output, NUL-terminated, in Out.
bool RunSymbolizer(const char *Input, size_t Len, char *Out, size_t Size) {
  const char *Path = SymbolizerPath();
  int In[2], Res[2];
  if (access(Path, X_OK) != 0 || pipe2(In, O_CLOEXEC) != 0)
    return false;
  if (pipe2(Res, O_CLOEXEC) != 0) {
    close(In[0]);
    close(In[1]);
    return false;
  }
  posix_spawn_file_actions_t Actions;
  posix_spawn_file_actions_init(&Actions);
  posix_spawn_file_actions_adddup2(&Actions, In[0], 0);
  posix_spawn_file_actions_adddup2(&Actions, Res[1], 1);
  posix_spawn_file_actions_addopen(&Actions, 2, "/dev/null", O_WRONLY, 0);
  char *Argv[] = {const_cast<char *>(Path),
                  const_cast<char *>("--output-style=LLVM"), nullptr};
  pid_t Pid;
  bool Spawned = posix_spawn(&Pid, Path, &Actions, nullptr, Argv, environ) == 0;
  posix_spawn_file_actions_destroy(&Actions);
  close(In[0]);
  close(Res[1]);
  size_t Got = 0;
  if (Spawned) {
    WriteAll(In[1], Input, Len);
    close(In[1]);
    for (ssize_t N; Got + 1 < Size &&
                    (N = read(Res[0], Out + Got, Size - 1 - Got)) != 0;) {
      if (N < 0) {
        if (errno == EINTR)
          continue;
        break;
      }
      Got += size_t(N);
    }
    int Status;
    while (waitpid(Pid, &Status, 0) < 0 && errno == EINTR) {
    }
  } else {
    close(In[1]);
  }
  close(Res[0]);
  Out[Got] = '\0';
  return Spawned && Got > 0;
}

// Appends "\"<module>\" 0x<offset>\n" for Pc to Buf.
size_t AppendRequest(char *Buf, size_t At, size_t Size, uintptr_t Pc,
                     const char *Self) {
  ModuleQuery Q;
  Q.Pc = Pc;
  dl_iterate_phdr(FindModule, &Q);
  const char *Name = Q.Name && *Q.Name ? Q.Name : Self;
  int N = snprintf(Buf + At, Size - At, "\"%s\" 0x%lx\n", Name,
                   (unsigned long)(Pc - Q.Bias));
  return N > 0 && size_t(N) < Size - At ? At + size_t(N) : At;
}

} // namespace

namespace {
// What a report's stacks need: 209 KiB, mapped at the first report that
// asks for stacks (without it, reports keep their site lines).
struct StackBuffers {
  Stack stacks[2]; // each thread's, taken under the report lock
  SymbolizedStack symbolized[2];
  char request_text[kMaxStackDepth * 2 * 512];
  char symbolizer_output[1 << 17];
};
MappedOnFirstUse<StackBuffers> g_buffers;
} // namespace

bool SymbolizeStacks(const Stack *const *Stacks, size_t N,
                     SymbolizedStack *Out) {
  StackBuffers *B = g_buffers.get("call stacks", "reports have no stacks");
  if (!B)
    return false;
  char *Request = B->request_text, *Answer = B->symbolizer_output;
  char Self[4096];
  ssize_t SelfLen = readlink("/proc/self/exe", Self, sizeof(Self) - 1);
  Self[SelfLen > 0 ? SelfLen : 0] = '\0';
  size_t Len = 0, Total = 0;
  for (size_t I = 0; I != N; ++I) {
    Out[I].depth = 0;
    for (int F = 0; F != Stacks[I]->depth; ++F, ++Total)
      Len = AppendRequest(Request, Len, sizeof(B->request_text),
                          Stacks[I]->pc[F], Self);
  }
  if (Total == 0 ||
      !RunSymbolizer(Request, Len, Answer, sizeof(B->symbolizer_output)))
    return false;
  // One block per address, blank-line separated: "function\nfile:line:col\n"
  // per frame, more than one where calls were inlined.
  char *P = Answer;
  for (size_t I = 0; I != N; ++I) {
    for (int F = 0; F != Stacks[I]->depth && *P; ++F) {
      while (*P && *P != '\n') {
        char *Function = P;
        char *EndF = strchr(P, '\n');
        if (!EndF)
          return true;
        *EndF = '\0';
        char *Location = EndF + 1;
        char *EndL = strchr(Location, '\n');
        if (!EndL)
          return true;
        *EndL = '\0';
        P = EndL + 1;
        SymbolizedStack &S = Out[I];
        if (S.depth == kMaxStackDepth)
          continue;
        Frame &Fr = S.frames[S.depth++];
        Fr.function = Function;
        // "file:line:col"; "??:0:0" when unknown.
        char *Colon2 = strrchr(Location, ':');
        if (Colon2)
          *Colon2 = '\0';
        char *Colon1 = strrchr(Location, ':');
        if (Colon1)
          *Colon1 = '\0';
        Fr.file = Location;
        Fr.line = Colon1 ? unsigned(atoi(Colon1 + 1)) : 0;
        Fr.column = Colon2 ? unsigned(atoi(Colon2 + 1)) : 0;
      }
      if (*P == '\n')
        ++P; // the blank line ending the address's block
    }
  }
  return true;
}

static bool g_have_stacks; // in g_buffers, for the report being written

static bool EndsWith(const char *S, const char *Suffix) {
  size_t A = strlen(S), B = strlen(Suffix);
  return A >= B && strcmp(S + A - B, Suffix) == 0;
}

// Whether F is the runtime's own code: its namespace or entry points, or a
// file of its own (compiled without debug info: basename, line 0).
static bool IsRuntimeFrame(const Frame &F) {
  static const char *const kFiles[] = {
      "fast_table.cpp", "holds.cpp",        "learn.cpp",   "options.cpp",
      "profile.cpp",    "reads.cpp",        "report.cpp",  "report_formats.cpp",
      "stacks.cpp",     "strict_table.cpp", "testing.cpp", "thread.cpp",
      "mapguard_abi.h"};
  if (strncmp(F.function, "__mapguard", 10) == 0 ||
      strncmp(F.function, "_Unwind", 7) == 0)
    return true;
  if (F.line != 0)
    return false;
  for (const char *File : kFiles)
    if (strcmp(F.file, File) == 0)
      return true;
  return false;
}

// The first frame of W's stack to show: its site's own frame when the
// stack shows it (above it: the runtime, or a hold's sleep), else the one
// below the runtime's frames at its top.
static int FirstFrameShown(const ConflictWriter &W, const SymbolizedStack &S) {
  int First = 0;
  for (int I = 0; I < S.depth; ++I) {
    if (IsRuntimeFrame(S.frames[I]))
      First = I + 1;
    else if (S.frames[I].file[0] == '/')
      break; // the program's code (libc's frames say "./...")
  }
  if (W.site && W.site->file) {
    const char *Base = strrchr(W.site->file, '/');
    Base = Base ? Base + 1 : W.site->file;
    for (int I = 0; I < S.depth; ++I)
      if (S.frames[I].line == W.site->line &&
          EndsWith(S.frames[I].file, Base)) {
        First = I;
        break;
      }
  }
  return First;
}

int StackFrames(const ConflictWriter &W, int Which, const Frame **Frames) {
  if (!g_have_stacks)
    return 0;
  const SymbolizedStack &S = g_buffers.peek()->symbolized[Which];
  int First = FirstFrameShown(W, S);
  *Frames = S.frames + First;
  int N = S.depth - First;
  return N < g_options.stack_depth ? N : g_options.stack_depth;
}

void PrintStack(Output &Out, const ConflictWriter &W, int Which) {
  const Frame *Frames;
  int Depth = StackFrames(W, Which, &Frames);
  for (int N = 0; N < Depth; ++N) {
    const Frame &F = Frames[N];
    Out.str("    #").dec(uint64_t(N)).str(" ").str(F.function).str(" at ");
    if (strcmp(F.file, "??") == 0) {
      Out.str("<unknown>\n");
      continue;
    }
    PrintSourcePath(Out, F.file);
    Out.str(":").dec(F.line);
    if (F.column)
      Out.str(":").dec(F.column);
    Out.str("\n");
  }
}

// Takes both threads' stacks for C, if stacks are asked for.
void TakeStacks(const Conflict &C) {
  g_have_stacks = false;
  if (g_options.stack_depth <= 0)
    return;
  StackBuffers *B = g_buffers.get("call stacks", "reports have no stacks");
  if (!B)
    return;
  Stack *Stacks = B->stacks;
  const ConflictWriter *Writers[2] = {&C.second, &C.first};
  const Stack *Taken[2];
  for (int I = 0; I != 2; ++I) {
    const ConflictWriter &W = *Writers[I];
    if (W.is_current)
      CaptureOwnStack(Stacks[I]);
    else if (!W.ended)
      CaptureThreadStack(W.tid, W.slot, W.key, Stacks[I]);
    else
      Stacks[I].depth = 0;
    Taken[I] = &Stacks[I];
  }
  g_have_stacks = SymbolizeStacks(Taken, 2, B->symbolized);
}

} // namespace __mapguard
