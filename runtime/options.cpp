//===-- options.cpp - MAPGUARD_OPTIONS and startup ------------------------===//
//
// MAPGUARD_OPTIONS uses the sanitizers' syntax, key=value entries separated
// by ':'; the keys are in options.inc, and MAPGUARD_OPTIONS=help=1 lists
// them. An unknown key is a warning; a malformed entry is an error that stops
// the program before main, since running with other options than the user
// asked for would be worse. The options are parsed by a constructor, before
// any user constructor runs; the exit handler runs after every other one and
// after every destructor.
//
//===----------------------------------------------------------------------===//

#include "mapguard_internal.h"

#include <atomic>
#include <stdlib.h>
#include <unistd.h>

using namespace __mapguard;

static constexpr Options kDefaultOptions = {
#define MAPGUARD_OPTION(Type, Name, Default, Min, Max, Help) Default,
#include "options.inc"
#undef MAPGUARD_OPTION
};

Options __mapguard::g_options = kDefaultOptions;

void __mapguard::SetDefaultOptions(Options *O) { *O = kDefaultOptions; }

namespace {

enum class OptionKind { Bool, Int, Path, Choice };

constexpr OptionKind KindOf(bool *) { return OptionKind::Bool; }
constexpr OptionKind KindOf(int *) { return OptionKind::Int; }
constexpr OptionKind KindOf(Path *) { return OptionKind::Path; }
constexpr OptionKind KindOf(ReportFormat *) { return OptionKind::Choice; }

// The names of a Choice option's values (Min..Max index them).
constexpr const char *const *ChoicesOf(void *) { return nullptr; }
constexpr const char *const *ChoicesOf(ReportFormat *) {
  return kReportFormatNames;
}

struct OptionSpec {
  const char *name;
  OptionKind kind;
  size_t offset; // of the field in Options
  long min, max; // the values (Int, Choice) or lengths (Path) accepted
  const char *help;
  const char *const *choices; // Choice: the values' names
};

} // namespace

// clang-format off
static const OptionSpec kOptionSpecs[] = {
#define MAPGUARD_OPTION(Type, Name, Default, Min, Max, Help)                   \
  {#Name, KindOf(static_cast<Type *>(nullptr)), offsetof(Options, Name), Min,  \
   Max, Help, ChoicesOf(static_cast<Type *>(nullptr))},
#include "options.inc"
#undef MAPGUARD_OPTION
};
// clang-format on

static bool Equals(const char *S, size_t Len, const char *Name) {
  size_t I = 0;
  for (; I < Len; ++I)
    if (Name[I] != S[I])
      return false;
  return Name[I] == 0;
}

static bool ParseInt(const char *S, size_t Len, long Min, long Max, int *Out) {
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
    if (Len < size_t(Spec.min) || Len > size_t(Spec.max))
      return false;
    for (size_t I = 0; I < Len; ++I)
      Field[I] = Value[I];
    Field[Len] = 0;
    return true;
  case OptionKind::Choice:
    for (long I = Spec.min; I <= Spec.max; ++I)
      if (Equals(Value, Len, Spec.choices[I])) {
        *reinterpret_cast<int *>(Field) = int(I);
        return true;
      }
    return false;
  }
  return false;
}

// What Spec accepts: "0 or 1", "an integer 0..255", ...
static void PrintExpected(Output &Out, const OptionSpec &Spec) {
  switch (Spec.kind) {
  case OptionKind::Bool:
    Out.str("0 or 1");
    return;
  case OptionKind::Int:
    if (Spec.max == INT_MAX)
      Out.str("an integer >= ").dec(uint64_t(Spec.min));
    else
      Out.str("an integer ")
          .dec(uint64_t(Spec.min))
          .str("..")
          .dec(uint64_t(Spec.max));
    return;
  case OptionKind::Path:
    Out.str(Spec.min == 0 ? "a file (empty: none)"
                          : "a path prefix, stderr or stdout");
    return;
  case OptionKind::Choice:
    for (long I = Spec.min; I <= Spec.max; ++I)
      Out.str(I == Spec.min   ? ""
              : I == Spec.max ? " or "
                              : ", ")
          .str(Spec.choices[I]);
    return;
  }
}

// The value of Spec's field in O.
static void PrintValue(Output &Out, const OptionSpec &Spec, const Options &O) {
  const char *Field = reinterpret_cast<const char *>(&O) + Spec.offset;
  switch (Spec.kind) {
  case OptionKind::Bool:
    Out.dec(*reinterpret_cast<const bool *>(Field) ? 1 : 0);
    return;
  case OptionKind::Int:
    Out.dec(uint64_t(*reinterpret_cast<const int *>(Field)));
    return;
  case OptionKind::Path:
    Out.str(Field);
    return;
  case OptionKind::Choice:
    Out.str(Spec.choices[*reinterpret_cast<const int *>(Field)]);
    return;
  }
}

// "invalid <What> '<S>'<for the option> (expected <...>)"; Spec null: an
// entry that is not key=value (Expected says what it should be).
static void PrintInvalid(int Fd, const char *What, const char *S, size_t Len,
                         const OptionSpec *Spec, const char *Expected) {
  char Buf[512];
  Output Out(Fd, Buf, sizeof(Buf));
  Out.pid().str("ERROR: MapGuard: MAPGUARD_OPTIONS: invalid ").str(What);
  Out.str(" '").str(S, Len).str("'");
  if (Spec)
    Out.str(" for ").str(Spec->name);
  Out.str(" (expected ");
  if (Spec)
    PrintExpected(Out, *Spec);
  else
    Out.str(Expected);
  Out.str(")\n");
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
      PrintInvalid(DiagFd, "entry", Entry, Len, nullptr, "key=value");
      return false;
    }
    if (Eq == Entry) {
      PrintInvalid(DiagFd, "entry", Entry, Len, nullptr,
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
      PrintInvalid(DiagFd, "value", Eq + 1, size_t(End - Eq - 1), Spec,
                   nullptr);
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
    Out.str(" ").str(Spec.name).str("=");
    PrintValue(Out, Spec, O);
  }
  Out.str("\n");
  Out.flush();
}

void __mapguard::PrintOptionHelp(int Fd) {
  char Buf[1024];
  Output Out(Fd, Buf, sizeof(Buf));
  Out.pid().str("MapGuard: MAPGUARD_OPTIONS=key=value:key=value:..., "
                "with these keys (and their defaults):\n");
  for (const OptionSpec &Spec : kOptionSpecs) {
    Out.str("  ").str(Spec.name).str("=");
    PrintValue(Out, Spec, kDefaultOptions);
    Out.str(" (");
    PrintExpected(Out, Spec);
    Out.str(")\n      ").str(Spec.help).str("\n");
  }
  Out.flush();
}

// 0 under stress, so that every write and read reaches the runtime's delays.
uint8_t __mapguard_fast_inline = 1;

void __mapguard::InitOptionsOrDie(const char *Text) {
  if (!ParseOptions(Text, &g_options, 2))
    _exit(1);
  __mapguard_fast_inline = !g_options.stress;
  PublishThreadIndex();
}

//===----------------------------------------------------------------------===//
// Startup
//===----------------------------------------------------------------------===//

// Priority 101, the first one not reserved for the implementation: the
// options are in force before user constructors run.
__attribute__((constructor(101))) static void InitializeRuntime() {
  if (const char *Text = getenv("MAPGUARD_OPTIONS"))
    InitOptionsOrDie(Text);
  LoadLearned();
  StartProfile();
  StartBias();
  if (g_options.help)
    PrintOptionHelp(2);
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
  if (g_exit_steps.fetch_add(1, std::memory_order_acq_rel) == 1) {
    SaveLearned();
    SaveProfile();
    ReportAtExit();
  }
}

static void LastExitHandler(void *) { ExitStep(); }

extern "C" int __cxa_atexit(void (*Fn)(void *), void *Arg, void *Dso);

#ifndef MAPGUARD_SHARED_RUNTIME
static void RegisterLastExitHandler() {
  __cxa_atexit(LastExitHandler, nullptr, nullptr);
}

__attribute__((section(".preinit_array"), used)) static void (
    *g_register_last_exit_handler)() = RegisterLastExitHandler;
#else
// libmapguard_rt.so has no .preinit_array (a shared object may not): the
// handler is registered when it is loaded, under its own handle, so that a
// dlclose() runs it (then its destructor) before the code is gone.
extern "C" void *__dso_handle;
__attribute__((constructor(101))) static void RegisterSharedExitHandler() {
  __cxa_atexit(LastExitHandler, nullptr, &__dso_handle);
}
#endif

__attribute__((destructor(101))) static void LastDestructor() { ExitStep(); }
