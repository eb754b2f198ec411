//===- MapGuard.cpp - Guard every map write against a concurrent writer ---===//
//
// MapGuard gives C++ what Go has had since 1.6: a program that writes one
// map from two threads at once dies with "fatal error: concurrent map
// writes" instead of silently corrupting memory.
//
// This pass finds the calls that write a standard associative container
// (MapOperationCatalog decides which) and wraps each one:
//
//     %t = call i64 @__mapguard_write_begin(ptr %map, ptr @site)
//     <the container call>
//     call void @__mapguard_write_end(ptr %map, ptr @site, i64 %t)
//
// with the end hook on every way out of the call: after a call, on both
// destinations of an invoke, and on the unwind path of a call that may
// throw (turned into an invoke with a cleanup landing pad), so that an
// exception from a hash, comparator or allocator never leaves a map marked
// as being written. @site is a constant descriptor naming the source
// location, the enclosing function, the container and the operation, so
// the runtime's report needs no symbolizer.
//
// It runs at the pipeline-start extension point, before the inliner erases
// the container calls, and is required so that -O0's optnone does not skip
// it. Run it by hand with
//
//     opt -load-pass-plugin=MapGuard-19.so -passes=mapguard in.ll -S
//
// The work is split by job: MapOperationCatalog (what a call does to which
// map), ExceptionPaths (the end hook on every way out), WindowGuards (one
// check per run of a loop), SiteDescriptors and HookEmitter (what the runtime
// is given), SiteReport (remarks and the inventory).
//
// Not every write needs a guard: a map that is a local variable whose
// address never escapes cannot be written by another thread
// (EscapeAnalysis.h); -mapguard-ignorelist / -mapguard-allowlist say where
// MapGuard applies (ScopeLists.h). What was decided at each write is told
// as optimisation remarks and, with -mapguard-sites, as a JSON inventory
// (SiteReport.h).
//
//===----------------------------------------------------------------------===//
#include "DeclaredMaps.h"
#include "EscapeAnalysis.h"
#include "ExceptionPaths.h"
#include "GuardStubs.h"
#include "HookEmitter.h"
#include "LLVMCompat.h"
#include "MapOperationCatalog.h"
#include "Options.h"
#include "ScopeLists.h"
#include "SiteDescriptors.h"
#include "SiteReport.h"
#include "Sites.h"
#include "StaticRaceCheck.h"
#include "WindowGuards.h"

#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/Statistic.h"
#include "llvm/Analysis/LoopInfo.h"
#include "llvm/IR/Constants.h"
#include "llvm/IR/DiagnosticInfo.h"
#include "llvm/IR/Dominators.h"
#include "llvm/IR/Function.h"
#include "llvm/IR/InstIterator.h"
#include "llvm/IR/Instructions.h"
#include "llvm/IR/Module.h"
#include "llvm/IR/PassManager.h"
#include "llvm/Passes/PassBuilder.h"

#include <optional>

using namespace llvm;
using namespace mapguard;

#define DEBUG_TYPE "mapguard"

// Printed by `opt -stats` / `clang -mllvm -stats` in builds of LLVM with
// statistics enabled (Debian's release packages have them off).
STATISTIC(NumWriteSitesSeen, "Map write call sites recognised");
STATISTIC(NumWriteSitesWrapped, "Map write call sites wrapped with hooks");
STATISTIC(NumSitesOutlined,
          "Map write call sites that call a guarded stub of their operation");
STATISTIC(NumSitesOptedOut, "Map write call sites in opted-out functions");
STATISTIC(NumSitesUnsupported,
          "Map write call sites left unguarded: unsupported IR shape");
STATISTIC(NumSitesElided,
          "Map write call sites left unguarded: the map is thread-local");
STATISTIC(NumSitesIgnored,
          "Map write call sites left unguarded: excluded by a scope list");

namespace {

/// Module flag that makes a second run a no-op.
constexpr const char *InstrumentedFlag = "mapguard.instrumented";

/// Instruments one module. Holds the hooks and the caches for it.
class MapGuardInstrumenter {
public:
  MapGuardInstrumenter(Module &M, const MapGuardOptions &Options,
                       FunctionAnalysisManager &FAM);
  bool run();

private:
  void collect(const ScopeLists &Scope, SmallVectorImpl<WriteSite> &Sites,
               SmallVectorImpl<ReadSite> &Reads);
  void collectFunction(Function &F, const ScopeLists &Scope,
                       SmallVectorImpl<WriteSite> &Sites,
                       SmallVectorImpl<ReadSite> &Reads);
  bool instrument(MutableArrayRef<WriteSite> Sites, ArrayRef<ReadSite> Reads);
  void checkRead(const ReadSite &Site);
  bool shouldInstrumentFunction(const Function &F) const;
  std::pair<SiteDecision, std::string>
  decide(const CallBase &CB, const MapOperation &Op, const ScopeLists &Scope);
  /// Guards a site; returns why it could not, if it could not.
  std::optional<std::string> instrumentCallSite(const WriteSite &Site);
  std::optional<std::string>
  leaveUnguarded(const CallBase &CB, const MapOperation &Op, const Twine &Why);
  void remarkAddressesTaken();
  /// The hook emitter, created on first use: a module with nothing to guard
  /// gets no declarations of the runtime's tables.
  HookEmitter &hooks() {
    if (!Hooks)
      Hooks.emplace(M, Options.Fast, Options.Inline);
    return *Hooks;
  }

  Module &M;
  LLVMContext &Ctx;
  const MapGuardOptions &Options;
  FunctionAnalysisManager &FAM;
  std::optional<HookEmitter> Hooks;
  GuardStubs Stubs;
  SiteDescriptors Descriptors;
  /// Which guarded writes call a stub (GuardStubs.h) instead of being
  /// wrapped in place. A stub keeps each site one call, so a module of many
  /// writes compiles fast, but puts a call, a return and the stub's saves
  /// into every write: inside a loop, and more so under a mutex, that is
  /// where the time goes. So strict mode, by default, wraps writes in loops
  /// in place and outlines the others.
  enum class OutlineRule { None, OutsideLoops, All } Outline;
  DeclaredMaps Declared;
  MapOperationCache Ops{&Declared};
  OptOuts OptedOut;
  LocalMapEscapeAnalysis Escapes;
};

MapGuardInstrumenter::MapGuardInstrumenter(Module &M,
                                           const MapGuardOptions &Options,
                                           FunctionAnalysisManager &FAM)
    : M(M), Ctx(M.getContext()), Options(Options), FAM(FAM), Stubs(M),
      Descriptors(M),
      Outline(Options.Outline == cl::BOU_TRUE    ? OutlineRule::All
              : Options.Outline == cl::BOU_FALSE ? OutlineRule::None
              : !Options.Fast                    ? OutlineRule::OutsideLoops
                                                 : OutlineRule::None) {}

/// A read needs no end: one check before the call, on `this`.
void MapGuardInstrumenter::checkRead(const ReadSite &Site) {
  CallBase &CB = *Site.Call;
  SmallVector<Value *, 2> Maps = mapOperands(CB, *Site.Op);
  if (Maps.empty())
    return; // A read is never worth a warning.
  hooks().emitReadCheck(
      &CB, Maps.front(), Descriptors.get(CB, *Site.Op, hooks().siteType()),
      Site.Op->Kind == AccessKind::Iteration, CB.getDebugLoc());
}

/// Whether \p F's calls are sites at all. Opted-out functions have sites
/// (reported, not guarded); container members do not.
bool MapGuardInstrumenter::shouldInstrumentFunction(const Function &F) const {
  if (F.isDeclaration() || F.getName().starts_with("__mapguard"))
    return false;
  // Calls made inside a container's own members are already covered by the
  // guarded outer call.
  return !isContainerImplementation(F.getName());
}

/// Decides whether a write in a function that is not opted out needs its
/// guard: not when a scope list excludes it, nor when no other thread can
/// reach any map it writes; and why.
std::pair<SiteDecision, std::string>
MapGuardInstrumenter::decide(const CallBase &CB, const MapOperation &Op,
                             const ScopeLists &Scope) {
  if (std::optional<std::string> Why = Scope.whyExcluded(CB))
    return {SiteDecision::Ignored, *Why};
  SmallVector<Value *, 2> Maps = mapOperands(CB, Op);
  if (Maps.empty())
    return {SiteDecision::Guarded, ""}; // instrumentCallSite says why not
  if (!Options.Elide)
    return {SiteDecision::Guarded, "elision is off (-mapguard-elide=0)"};
  for (size_t I = 0; I != Maps.size(); ++I)
    if (std::optional<std::string> Why = Escapes.whyShared(Maps[I]))
      return {SiteDecision::Guarded,
              (I ? "the other map " : "the map ") + *Why};
  return {SiteDecision::Elided,
          Maps.size() == 1
              ? "the map is a local variable no other thread can reach"
              : "both maps are local variables no other thread can reach"};
}

/// Says, as a compiler warning at the call, why a recognised write was left
/// unguarded: never a crash, never a half-instrumented call.
std::optional<std::string>
MapGuardInstrumenter::leaveUnguarded(const CallBase &CB, const MapOperation &Op,
                                     const Twine &Why) {
  ++NumSitesUnsupported;
  Ctx.diagnose(DiagnosticInfoUnsupported(*CB.getFunction(),
                                         "MapGuard: " + Op.Container +
                                             Op.joiner() + Op.Operation +
                                             " left unchecked: " + Why,
                                         CB.getDebugLoc(), DS_Warning));
  return Why.str();
}

std::optional<std::string>
MapGuardInstrumenter::instrumentCallSite(const WriteSite &Site) {
  CallBase &CB = *Site.Call;
  const MapOperation &Op = Site.op();
  std::string WhyNot;
  SmallVector<Value *, 2> Maps = mapOperands(CB, Op, &WhyNot);
  if (Maps.empty())
    return leaveUnguarded(CB, Op, WhyNot);
  unsigned ThisArg = containerArgument(CB) + Op.MapArgument;
  unsigned NumMaps = Op.numMaps();
  // A guard without its end hook on some path would later report a map
  // that nobody is writing: better no guard at all.
  if (!canGuardUnwinding(CB))
    return leaveUnguarded(CB, Op,
                          "its exception path cannot carry the end "
                          "hook (musttail or funclet-based EH)");

  HookEmitter &Hooks = hooks();
  Constant *Desc = Descriptors.get(CB, Op, Hooks.siteType());
  ++NumWriteSitesWrapped;
  bool Outlined = Outline == OutlineRule::All ||
                  (Outline == OutlineRule::OutsideLoops && !Site.InLoop);
  if (Outlined && GuardStubs::canCallStub(CB)) {
    CallInst *Inner;
    Function *Stub = Stubs.get(CB, ThisArg, NumMaps, Inner);
    if (Inner) {
      SmallVector<Value *, 2> StubMaps;
      for (unsigned I = 0; I != NumMaps; ++I)
        StubMaps.push_back(Stub->getArg(ThisArg + I));
      wrapCall(Hooks, *Inner, StubMaps, Stub->getArg(Stub->arg_size() - 1));
    }
    GuardStubs::redirect(CB, Stub, Desc);
    ++NumSitesOutlined;
    return std::nullopt;
  }
  wrapCall(Hooks, CB, Maps, Desc);
  return std::nullopt;
}

/// A map write called through a pointer is not seen: says so once per
/// function where a write's address is taken (a member-function pointer
/// such as &std::set<int>::clear is a constant the function stores).
void MapGuardInstrumenter::remarkAddressesTaken() {
  for (Function &Write : M) {
    if (!Write.hasAddressTaken(nullptr, /*IgnoreCallbackUses=*/false,
                               /*IgnoreAssumeLikeCalls=*/true,
                               /*IgnoreLLVMUsed=*/true))
      continue;
    const MapOperation *Op = Ops.classify(Write);
    if (!Op || !Op->isWrite())
      continue;
    // The instructions that use the address, through constants.
    SmallVector<const User *, 8> Work(Write.users());
    SmallPtrSet<const User *, 8> Seen;
    SmallPtrSet<const Function *, 4> Remarked;
    while (!Work.empty()) {
      const User *U = Work.pop_back_val();
      if (!Seen.insert(U).second)
        continue;
      if (isa<Constant>(U) && !isa<GlobalValue>(U)) {
        Work.append(U->user_begin(), U->user_end());
        continue;
      }
      const auto *I = dyn_cast<Instruction>(U);
      if (!I || !shouldInstrumentFunction(*I->getFunction()))
        continue;
      const auto *CB = dyn_cast<CallBase>(I);
      if (CB && CB->getCalledOperand() == &Write &&
          !is_contained(CB->args(), &Write))
        continue; // a direct call: guarded as a site
      if (Remarked.insert(I->getFunction()).second)
        remarkAddressTaken(*I, *Op);
    }
  }
}

/// Collects the recognised calls of F: its writes, with what was decided
/// for each, and its checked reads.
void MapGuardInstrumenter::collectFunction(Function &F, const ScopeLists &Scope,
                                           SmallVectorImpl<WriteSite> &Sites,
                                           SmallVectorImpl<ReadSite> &Reads) {
  std::optional<std::string> OptOut = OptedOut.why(F);
  for (Instruction &I : instructions(F)) {
    auto *CB = dyn_cast<CallBase>(&I);
    if (!CB || isa<CallBrInst>(CB))
      continue;
    const MapOperation *Op = Ops.classify(*CB);
    if (!Op)
      continue;
    if (!Op->isWrite()) {
      // Reads are checked where writes would be guarded; a map no other
      // thread can reach needs no check either.
      if (OptOut || Scope.whyExcluded(*CB))
        continue;
      SmallVector<Value *, 2> Maps = mapOperands(*CB, *Op);
      if (!Maps.empty() && Options.Elide && !Escapes.whyShared(Maps.front()))
        continue;
      Reads.push_back({CB, Op});
      continue;
    }
    ++NumWriteSitesSeen;
    std::pair<SiteDecision, std::string> Decision =
        OptOut ? std::make_pair(SiteDecision::OptedOut, *OptOut)
               : decide(*CB, *Op, Scope);
    if (OptOut)
      ++NumSitesOptedOut;
    WriteSite Site{CB, SiteRecord(*CB, *Op, Decision.first, Decision.second)};
    if (Site.toBeGuarded() && Outline == OutlineRule::OutsideLoops)
      Site.InLoop = FAM.getResult<LoopAnalysis>(F).getLoopFor(CB->getParent());
    Sites.push_back(std::move(Site));
  }
}

void MapGuardInstrumenter::collect(const ScopeLists &Scope,
                                   SmallVectorImpl<WriteSite> &Sites,
                                   SmallVectorImpl<ReadSite> &Reads) {
  for (Function &F : M)
    if (shouldInstrumentFunction(F))
      collectFunction(F, Scope, Sites, Reads);
}

/// Guards the writes (windows first), checks the reads, and reports what was
/// done. Whether anything changed.
bool MapGuardInstrumenter::instrument(MutableArrayRef<WriteSite> Sites,
                                      ArrayRef<ReadSite> Reads) {
  bool Changed = false;
  SiteReport Report;
  for (WriteSite &Site : Sites) {
    SiteRecord &Record = Site.Record;
    if (Record.Decision == SiteDecision::Elided)
      ++NumSitesElided;
    else if (Record.Decision == SiteDecision::Ignored)
      ++NumSitesIgnored;
    if (Record.Decision == SiteDecision::Guarded) {
      hooks();
      if (Site.InLoopWindow) {
        ++NumWriteSitesWrapped;
        Changed = true;
      } else if (std::optional<std::string> Why = instrumentCallSite(Site)) {
        Record.Decision = SiteDecision::Unsupported;
        Record.Reason = std::move(*Why);
      } else {
        Changed = true;
      }
    }
    Report.add(std::move(Record));
  }
  for (const ReadSite &Site : Reads) {
    Changed = true;
    if (!Site.InReadWindow)
      checkRead(Site);
  }
  Report.emitRemarks();
  if (!Options.Sites.empty())
    Report.appendInventory(Options.Sites, M);
  return Changed;
}

bool MapGuardInstrumenter::run() {
  if (std::optional<std::string> Error =
          selectContainerPresets(Options.Presets)) {
    reportError(Ctx, "-mapguard-presets: " + *Error);
    return false; // The compilation fails.
  }
  if (M.getModuleFlag(InstrumentedFlag))
    return false; // Instrumented already: a second run changes nothing.
  if (!Declared.loadFiles(Options.Maps, Ctx))
    return false; // Reported as an error: the compilation fails.
  Declared.readAnnotations(M);
  std::optional<ScopeLists> Scope =
      ScopeLists::load(Options.Ignorelist, Options.Allowlist, Ctx);
  if (!Scope)
    return false; // Reported as an error: the compilation fails.
  OptedOut = OptOuts(M);

  // Collect first, then mutate: instrumentation splits blocks.
  SmallVector<WriteSite, 32> Sites;
  SmallVector<ReadSite, 32> Reads;
  collect(*Scope, Sites, Reads);
  if (Options.Static)
    // Warns about unsynchronised writes; reads the IR before it changes.
    checkUnsynchronizedMapWrites(
        M, Ops, *Scope, OptedOut,
        [this](Function &F) -> LoopInfo & {
          return FAM.getResult<LoopAnalysis>(F);
        },
        [this](Function &F) -> DominatorTree & {
          return FAM.getResult<DominatorTreeAnalysis>(F);
        });
  remarkAddressesTaken();
  M.addModuleFlag(Module::Max, InstrumentedFlag, 1);
  if (Options.LoopWindows) {
    WindowGuards Windows(
        M, Ops, Descriptors, [this]() -> HookEmitter & { return hooks(); },
        [this](Function &F) -> LoopInfo & {
          return FAM.getResult<LoopAnalysis>(F);
        },
        [this](Function &F) { FAM.invalidate(F, PreservedAnalyses::none()); });
    Windows.guardLoopWindows(Sites, Reads);
    Windows.guardReadWindows(Sites, Reads);
  }
  return instrument(Sites, Reads);
}

/// The pass; `mapguard<fast>` / `mapguard<strict>` choose the mode,
/// `mapguard` takes it from -mapguard-mode.
struct MapGuardPass : PassInfoMixin<MapGuardPass> {
  std::optional<bool> Fast;

  PreservedAnalyses run(Module &M, ModuleAnalysisManager &MAM) {
    MapGuardOptions Options = MapGuardOptions::fromCommandLine();
    if (Fast)
      Options.Fast = *Fast;
    FunctionAnalysisManager &FAM =
        MAM.getResult<FunctionAnalysisManagerModuleProxy>(M).getManager();
    if (!MapGuardInstrumenter(M, Options, FAM).run())
      return PreservedAnalyses::all();
    return PreservedAnalyses::none();
  }
  void printPipeline(raw_ostream &OS,
                     function_ref<StringRef(StringRef)> MapClassName2PassName) {
    OS << "mapguard";
    if (Fast)
      OS << (*Fast ? "<fast>" : "<strict>");
  }
  // Run at -O0 too, where clang marks every function optnone.
  static bool isRequired() { return true; }
};

/// "mapguard", "mapguard<fast>" or "mapguard<strict>": the pass, or an
/// error naming what is wrong.
Expected<MapGuardPass> parseMapGuardPipelineName(StringRef Name) {
  MapGuardPass Pass;
  if (Name == "mapguard")
    return Pass;
  if (!Name.consume_front("mapguard<") || !Name.consume_back(">"))
    return make_error<StringError>("not the mapguard pass",
                                   inconvertibleErrorCode());
  if (Name != "fast" && Name != "strict")
    return make_error<StringError>("invalid mapguard pass parameter '" + Name +
                                       "' (expected 'fast' or 'strict')",
                                   inconvertibleErrorCode());
  Pass.Fast = Name == "fast";
  return Pass;
}

} // namespace

//===----------------------------------------------------------------------===//
// Registration
//===----------------------------------------------------------------------===//

static PassPluginLibraryInfo getMapGuardPluginInfo() {
  return {LLVM_PLUGIN_API_VERSION, "MapGuard", LLVM_VERSION_STRING,
          [](PassBuilder &PB) {
            // Before the inliner, which would erase the container calls.
            PB.registerPipelineStartEPCallback(
                [](ModulePassManager &MPM, OptimizationLevel) {
                  MPM.addPass(MapGuardPass());
                });
            PB.registerPipelineParsingCallback(
                [](StringRef Name, ModulePassManager &MPM,
                   ArrayRef<PassBuilder::PipelineElement>) {
                  if (!Name.starts_with("mapguard"))
                    return false;
                  Expected<MapGuardPass> Pass = parseMapGuardPipelineName(Name);
                  if (!Pass) {
                    errs() << "MapGuard: " << toString(Pass.takeError())
                           << "\n";
                    return false;
                  }
                  MPM.addPass(std::move(*Pass));
                  return true;
                });
          }};
}

extern "C" LLVM_ATTRIBUTE_WEAK ::llvm::PassPluginLibraryInfo
llvmGetPassPluginInfo() {
  return getMapGuardPluginInfo();
}
