//===-- options.cpp - MAPGUARD_OPTIONS and startup ------------------------===//
//
// MAPGUARD_OPTIONS uses the sanitizers' syntax, key=value entries separated
// by ':', and their keys:
//
//   halt_on_error=0|1   abort at the first report (1, the default), or
//                       report each pair of sites once and exit with
//                       `exitcode` at the end (0)
//   exitcode=0..255     the exit status after reports (66)
//   log_path=PATH       reports go to PATH.<pid> (to stderr, after one
//                       warning, if it cannot be opened); "stderr" (the
//                       default) and "stdout" name the streams
//   verbosity=N         1: print the options at startup and the number of
//                       untracked writes at exit (0)
//   handoff_hold_us=N   how long a write that takes a map over from another
//                       thread holds its flag, so that a racing writer meets
//                       it (1000; 0 turns the holds off)
//   stress=0|1          1: one guarded write in four sleeps 0..100 us
//                       inside its window, for test suites (0)
//
// An unknown key is a warning; a malformed entry is an error that stops the
// program before main, since running with other options than the user asked
// for would be worse. The options are parsed by a constructor, before any
// user constructor runs; the exit handler runs after every other one and
// after every destructor.
//
// Adding an option: a field in Options (options.h), its default in
// SetDefaultOptions, one line in kOptionSpecs.
//
//===----------------------------------------------------------------------===//

#include "mapguard_internal.h"

#include <atomic>
#include <limits.h>
#include <stdlib.h>
#include <unistd.h>

using namespace __mapguard;

Options __mapguard::g_options = {/*halt_on_error=*/true, /*exitcode=*/66,
                                 /*verbosity=*/0, /*handoff_hold_us=*/1000,
                                 /*stress=*/false, /*log_path=*/"stderr"};

void __mapguard::SetDefaultOptions(Options *O) {
  O->halt_on_error = true;
  O->exitcode = 66;
  O->verbosity = 0;
  O->handoff_hold_us = 1000;
  O->stress = false;
  const char *Default = "stderr";
  size_t I = 0;
  for (; Default[I]; ++I)
    O->log_path[I] = Default[I];
  O->log_path[I] = 0;
}

namespace {

enum class OptionKind { Bool, Int, Path };

struct OptionSpec {
  const char *name;
  OptionKind kind;
  size_t offset; // of the field in Options
  int min, max;  // OptionKind::Int
  const char *expected;
};

} // namespace

static const OptionSpec kOptionSpecs[] = {
    {"halt_on_error", OptionKind::Bool, offsetof(Options, halt_on_error), 0, 1,
     "0 or 1"},
    {"exitcode", OptionKind::Int, offsetof(Options, exitcode), 0, 255,
     "an integer 0..255"},
    {"log_path", OptionKind::Path, offsetof(Options, log_path), 0, 0,
     "a path prefix, stderr or stdout"},
    {"verbosity", OptionKind::Int, offsetof(Options, verbosity), 0, INT_MAX,
     "an integer >= 0"},
    {"handoff_hold_us", OptionKind::Int, offsetof(Options, handoff_hold_us), 0,
     1000000, "an integer 0..1000000"},
    {"stress", OptionKind::Bool, offsetof(Options, stress), 0, 1, "0 or 1"},
};

static bool Equals(const char *S, size_t Len, const char *Name) {
  size_t I = 0;
  for (; I < Len; ++I)
    if (Name[I] != S[I])
      return false;
  return Name[I] == 0;
}

static bool ParseInt(const char *S, size_t Len, int Min, int Max, int *Out) {
  if (Len == 0)
    return false;
  long long V = 0;
  for (size_t I = 0; I < Len; ++I) {
    if (S[I] < '0' || S[I] > '9')
      return false;
    V = V * 10 + (S[I] - '0');
    if (V > Max)
      return false;
  }
  if (V < Min)
    return false;
  *Out = int(V);
  return true;
}

// Stores Value into the field Spec describes; false if it is not valid.
static bool SetOption(const OptionSpec &Spec, const char *Value, size_t Len,
                      Options *O) {
  char *Field = reinterpret_cast<char *>(O) + Spec.offset;
  switch (Spec.kind) {
  case OptionKind::Bool:
    if (Len != 1 || (Value[0] != '0' && Value[0] != '1'))
      return false;
    *reinterpret_cast<bool *>(Field) = Value[0] == '1';
    return true;
  case OptionKind::Int:
    return ParseInt(Value, Len, Spec.min, Spec.max,
                    reinterpret_cast<int *>(Field));
  case OptionKind::Path:
    if (Len == 0 || Len > kMaxLogPath)
      return false;
    for (size_t I = 0; I < Len; ++I)
      Field[I] = Value[I];
    Field[Len] = 0;
    return true;
  }
  return false;
}

static void PrintInvalid(int Fd, const char *What, const char *S, size_t Len,
                         const char *Tail, const char *Expected) {
  char Buf[512];
  Output Out(Fd, Buf, sizeof(Buf));
  Out.pid().str("ERROR: MapGuard: MAPGUARD_OPTIONS: invalid ").str(What);
  Out.str(" '").str(S, Len).str("'").str(Tail).str(" (expected ");
  Out.str(Expected).str(")\n");
  Out.flush();
}

bool __mapguard::ParseOptions(const char *Text, Options *O, int DiagFd) {
  const char *Entry = Text;
  while (*Entry) {
    const char *End = Entry;
    while (*End && *End != ':')
      ++End;
    size_t Len = size_t(End - Entry);
    const char *Next = *End ? End + 1 : End;
    if (Len == 0) { // "" or "a=1::b=2" or a trailing ':'
      Entry = Next;
      continue;
    }
    const char *Eq = Entry;
    while (Eq < End && *Eq != '=')
      ++Eq;
    if (Eq == End) {
      PrintInvalid(DiagFd, "entry", Entry, Len, "", "key=value");
      return false;
    }
    if (Eq == Entry) {
      PrintInvalid(DiagFd, "entry", Entry, Len, "",
                   "key=value with a non-empty key");
      return false;
    }
    size_t KeyLen = size_t(Eq - Entry);
    const OptionSpec *Spec = nullptr;
    for (const OptionSpec &S : kOptionSpecs)
      if (Equals(Entry, KeyLen, S.name))
        Spec = &S;
    if (!Spec) {
      char Buf[512];
      Output Out(DiagFd, Buf, sizeof(Buf));
      Out.pid().str("WARNING: MapGuard: unknown option '").str(Entry, KeyLen);
      Out.str("' in MAPGUARD_OPTIONS (ignored)\n");
      Out.flush();
    } else if (!SetOption(*Spec, Eq + 1, size_t(End - Eq - 1), O)) {
      char Tail[64];
      Output T(-1, Tail, sizeof(Tail)); // never flushes: names are short
      T.str(" for ").str(Spec->name).str("", 1);
      PrintInvalid(DiagFd, "value", Eq + 1, size_t(End - Eq - 1), Tail,
                   Spec->expected);
      return false;
    }
    Entry = Next;
  }
  return true;
}

void __mapguard::PrintOptions(const Options &O, int Fd) {
  char Buf[512];
  Output Out(Fd, Buf, sizeof(Buf));
  Out.pid().str("MapGuard: options");
  for (const OptionSpec &Spec : kOptionSpecs) {
    const char *Field = reinterpret_cast<const char *>(&O) + Spec.offset;
    Out.str(" ").str(Spec.name).str("=");
    switch (Spec.kind) {
    case OptionKind::Bool:
      Out.dec(*reinterpret_cast<const bool *>(Field) ? 1 : 0);
      break;
    case OptionKind::Int:
      Out.dec(uint64_t(*reinterpret_cast<const int *>(Field)));
      break;
    case OptionKind::Path:
      Out.str(Field);
      break;
    }
  }
  Out.str("\n");
  Out.flush();
}

// 0 under stress, so that every write and read reaches the runtime's delays.
uint8_t __mapguard_fast_inline = 1;

void __mapguard::InitOptionsOrDie(const char *Text) {
  if (!ParseOptions(Text, &g_options, 2))
    _exit(1);
  __mapguard_fast_inline = !g_options.stress;
}

//===----------------------------------------------------------------------===//
// Startup
//===----------------------------------------------------------------------===//

// Priority 101, the first one not reserved for the implementation: the
// options are in force before user constructors run.
__attribute__((constructor(101))) static void InitializeRuntime() {
  if (const char *Text = getenv("MAPGUARD_OPTIONS"))
    InitOptionsOrDie(Text);
  if (g_options.verbosity >= 1) {
    int Fd = OpenLogFd();
    PrintOptions(g_options, Fd);
    CloseLogFd(Fd);
  }
}

//===----------------------------------------------------------------------===//
// Exit
//===----------------------------------------------------------------------===//

// ReportAtExit may _exit, so it must run when nothing else is left to run.
// Two candidates, and the later one calls it: an exit handler registered
// before any other (from .preinit_array, like TSan's) and with no DSO handle
// (so no __cxa_finalize runs it early) is the last handler of exit(); a
// dynamic program runs every object's destructors (_dl_fini) before it, a
// static one its .fini_array after it, where this destructor of the lowest
// priority comes last.
static std::atomic<int> g_exit_steps;

static void ExitStep() {
  if (g_exit_steps.fetch_add(1, std::memory_order_acq_rel) == 1)
    ReportAtExit();
}

static void LastExitHandler(void *) { ExitStep(); }

extern "C" int __cxa_atexit(void (*Fn)(void *), void *Arg, void *Dso);

static void RegisterLastExitHandler() {
  __cxa_atexit(LastExitHandler, nullptr, nullptr);
}

__attribute__((section(".preinit_array"), used)) static void (
    *g_register_last_exit_handler)() = RegisterLastExitHandler;

__attribute__((destructor(101))) static void LastDestructor() { ExitStep(); }
