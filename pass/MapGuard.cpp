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
//     opt -load-pass-plugin=MapGuard.so -passes=mapguard in.ll -S
//
// Not every write needs a guard: a map that is a local variable whose
// address never escapes cannot be written by another thread
// (EscapeAnalysis.h); -mapguard-ignorelist / -mapguard-allowlist say where
// MapGuard applies (ScopeLists.h). What was decided at each write is told
// as optimisation remarks and, with -mapguard-sites, as a JSON inventory
// (SiteReport.h).
//
//===----------------------------------------------------------------------===//
#include "EscapeAnalysis.h"
#include "GuardStubs.h"
#include "HookEmitter.h"
#include "LLVMCompat.h"
#include "LoopWindows.h"
#include "MapOperationCatalog.h"
#include "ScopeLists.h"
#include "SiteReport.h"

#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/Statistic.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Analysis/LoopInfo.h"
#include "llvm/Demangle/Demangle.h"
#include "llvm/IR/Constants.h"
#include "llvm/IR/DebugInfoMetadata.h"
#include "llvm/IR/DerivedTypes.h"
#include "llvm/IR/DiagnosticInfo.h"
#include "llvm/IR/Dominators.h"
#include "llvm/IR/Function.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/InstIterator.h"
#include "llvm/IR/Instructions.h"
#include "llvm/IR/MDBuilder.h"
#include "llvm/IR/Module.h"
#include "llvm/IR/PassManager.h"
#include "llvm/Passes/PassBuilder.h"
#include "llvm/Passes/PassPlugin.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/Debug.h"
#include "llvm/Transforms/Utils/BasicBlockUtils.h"
#include "llvm/Transforms/Utils/Local.h"

#include <map>
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
STATISTIC(NumCallsMadeInvokes,
          "Map write calls turned into invokes to guard their unwind path");
STATISTIC(NumSitesOptedOut, "Map write call sites in opted-out functions");
STATISTIC(NumSitesUnsupported,
          "Map write call sites left unguarded: unsupported IR shape");
STATISTIC(NumSitesElided,
          "Map write call sites left unguarded: the map is thread-local");
STATISTIC(NumLoopWindows,
          "Loops whose writes to one map share one guarded window per run");
STATISTIC(NumReadWindows,
          "Loops whose lookups of one map are checked once per run");
STATISTIC(NumIterationWindows,
          "Iterations over a map checked again where their loop ends");
STATISTIC(NumSitesIgnored,
          "Map write call sites left unguarded: excluded by a scope list");

namespace {

enum class GuardMode { Strict, Fast };

cl::opt<GuardMode> ClMode(
    "mapguard-mode", cl::desc("How MapGuard checks map writes"),
    cl::values(clEnumValN(GuardMode::Strict, "strict",
                          "report every overlapping pair of writes (default)"),
               clEnumValN(GuardMode::Fast, "fast",
                          "plain loads and stores, best effort, as Go does")),
    cl::init(GuardMode::Strict));

cl::opt<bool> ClElide(
    "mapguard-elide",
    cl::desc("Leave unguarded the writes to local maps whose address never "
             "escapes (no other thread can reach them)"),
    cl::Hidden, cl::init(true));

cl::opt<bool> ClLoopWindows(
    "mapguard-loop-windows",
    cl::desc("Guard a loop's writes to one map, with nothing between them "
             "that could synchronise, as one window per run of the loop"),
    cl::Hidden, cl::init(true));

cl::opt<bool> ClInline(
    "mapguard-inline",
    cl::desc("Emit the common case of each write's and read's check inline "
             "(default); 0: call the runtime for every one (less code, "
             "slower)"),
    cl::Hidden, cl::init(true));

cl::opt<cl::boolOrDefault> ClOutline(
    "mapguard-outline",
    cl::desc("Make each guarded write call one guarded stub of its "
             "operation per module instead of wrapping it in place (default: "
             "in strict mode, the writes outside loops; none in fast mode)"),
    cl::Hidden);

cl::opt<std::string> ClIgnorelist(
    "mapguard-ignorelist",
    cl::desc("Special-case list (src:/fun: globs) of code whose map writes "
             "are not instrumented"),
    cl::Hidden, cl::value_desc("file"));

cl::opt<std::string> ClAllowlist(
    "mapguard-allowlist",
    cl::desc("Special-case list (src:/fun: globs): instrument only the map "
             "writes that match"),
    cl::Hidden, cl::value_desc("file"));

cl::opt<std::string> ClSites(
    "mapguard-sites",
    cl::desc("Append one JSON line per recognised map write (where, what, "
             "and what was decided) to this file"),
    cl::Hidden, cl::value_desc("file"));

/// Module flag that makes a second run a no-op.
constexpr const char *InstrumentedFlag = "mapguard.instrumented";
/// The annotation MAPGUARD_NO_INSTRUMENT (include/mapguard/mapguard.h) puts
/// on a function.
constexpr const char *NoInstrumentAnnotation = "mapguard_no_instrument";

/// One recognised map write, collected before anything is changed.
/// A lookup or the start of an iteration: checked, not guarded.
struct ReadSite {
  CallBase *Call;
  const MapRead *Read;
  /// Checked at the end of its loop's read window (LoopWindows.h), not
  /// before the call.
  bool InReadWindow = false;
};

struct WriteSite {
  CallBase *Call;
  const MapOperation *Op;
  /// Guarded means "to be guarded"; whether that worked is known later.
  SiteDecision Decision = SiteDecision::Guarded;
  std::string Reason;
  /// Guarded by its loop's window (LoopWindows.h), not by hooks of its own.
  bool InLoopWindow = false;
  /// In a loop of its function (decided before anything is instrumented):
  /// wrapped in place rather than through a stub (MapGuardInstrumenter::
  /// Outline).
  bool InLoop = false;
};

/// Instruments one module. Holds the hooks and the caches for it.
class MapGuardInstrumenter {
public:
  explicit MapGuardInstrumenter(Module &M);
  bool run();

private:
  const MapOperation *classifyCallee(const Function *Callee);
  const MapRead *classifyReadCallee(const Function *Callee);
  void checkRead(const ReadSite &Site);
  bool shouldInstrumentFunction(const Function &F) const;
  void collectOptedOutFunctions();
  std::optional<std::string> whyOptedOut(const Function &F) const;
  void decide(WriteSite &Site, const ScopeLists &Scope);
  bool instrumentCallSite(const WriteSite &Site);
  void wrapCall(CallBase &CB, ArrayRef<Value *> Maps, Value *Desc);
  bool canGuardUnwinding(CallBase &CB) const;
  bool leaveUnguarded(const CallBase &CB, const MapOperation &Op,
                      const Twine &Why);
  Constant *createSiteDescriptor(const CallBase &CB, const MapOperation &Op);
  Constant *getString(StringRef S);
  void insertEndHooks(BasicBlock::iterator Where, ArrayRef<OpenWrite> Writes,
                      Value *Site, const DebugLoc &DL);
  void guardLoopWindows(MutableArrayRef<WriteSite> Sites,
                        MutableArrayRef<ReadSite> Reads,
                        MutableArrayRef<SiteRecord> Records);
  void emitLoopWindow(const LoopWindow &W, ArrayRef<const WriteSite *> Writes,
                      DenseMap<CallBase *, CallBase *> &Replaced);
  bool isContainerCode(const Function &F);
  LoopCall classifyOtherLoopCall(const CallBase &CB);
  void guardReadWindows(ArrayRef<WriteSite> Sites,
                        MutableArrayRef<ReadSite> Reads);
  void emitReadWindow(const LoopWindow &W, const ReadSite &First);
  /// The map a lookup's call reads (its `this`), or null.
  static Value *readMap(const CallBase &CB);
  ResumeInst *createCleanup(Function &F, const DebugLoc &DL, StringRef Name);
  void remarkAddressesTaken();
  InvokeInst *makeInvoke(CallInst *CI, BasicBlock *Cleanup);

  Module &M;
  LLVMContext &Ctx;
  Type *IntPtrTy;
  PointerType *PtrTy;
  std::optional<HookEmitter> Hooks;
  /// Creates Hooks on first use: a module with nothing to guard gets no
  /// declarations of the runtime's tables.
  void needHooks() {
    if (!Hooks)
      Hooks.emplace(M, ClMode == GuardMode::Fast, ClInline);
  }
  GuardStubs Stubs;
  /// Which guarded writes call a stub (GuardStubs.h) instead of being
  /// wrapped in place. A stub keeps each site one call, which is what makes
  /// a module of many write sites compile fast, but it puts a call and
  /// return, and the stub's saves and restores, into every write. Inside a
  /// loop that is where the time goes: under a mutex every nanosecond the
  /// lock is held longer makes the other threads find it taken more often
  /// (bench/RESULTS.md, "Mutex-shared maps"). So strict mode, by default,
  /// wraps writes in loops in place and outlines the others.
  enum class OutlineRule { None, OutsideLoops, All } Outline;
  // Node-based, so that WriteSite::Op stays valid as the cache grows.
  std::map<const Function *, std::optional<MapOperation>> CalleeCache;
  std::map<const Function *, std::optional<MapRead>> ReadCache;
  SmallPtrSet<const Function *, 8> OptedOut;
  StringMap<Constant *> Strings;
  LocalMapEscapeAnalysis Escapes;
  /// Why the last call to leaveUnguarded left its site unguarded.
  std::string UnsupportedReason;
};

MapGuardInstrumenter::MapGuardInstrumenter(Module &M)
    : M(M), Ctx(M.getContext()),
      IntPtrTy(M.getDataLayout().getIntPtrType(M.getContext())),
      PtrTy(PointerType::getUnqual(M.getContext())), Stubs(M),
      Outline(ClOutline == cl::BOU_TRUE    ? OutlineRule::All
              : ClOutline == cl::BOU_FALSE ? OutlineRule::None
              : ClMode == GuardMode::Strict ? OutlineRule::OutsideLoops
                                            : OutlineRule::None) {}


const MapRead *MapGuardInstrumenter::classifyReadCallee(const Function *Callee) {
  auto [It, Inserted] = ReadCache.try_emplace(Callee);
  if (Inserted)
    It->second = classifyMapRead(Callee->getName());
  return It->second ? &*It->second : nullptr;
}

Value *MapGuardInstrumenter::readMap(const CallBase &CB) {
  unsigned ThisArg = containerArgument(CB);
  if (CB.arg_size() <= ThisArg ||
      !CB.getArgOperand(ThisArg)->getType()->isPointerTy())
    return nullptr; // Not a member call's shape.
  return CB.getArgOperand(ThisArg);
}

/// A read needs no end: one check before the call, on `this`.
void MapGuardInstrumenter::checkRead(const ReadSite &Site) {
  CallBase &CB = *Site.Call;
  Value *Map = readMap(CB);
  if (!Map)
    return; // A read is never worth a warning.
  MapOperation Op;
  Op.Container = Site.Read->Container;
  Op.Operation = Site.Read->Operation;
  Hooks->emitReadCheck(&CB, Map, createSiteDescriptor(CB, Op),
                       Site.Read->Kind == MapRead::Iteration, CB.getDebugLoc());
}

const MapOperation *MapGuardInstrumenter::classifyCallee(const Function *Callee) {
  // Decided once per callee, not per call.
  auto [It, Inserted] = CalleeCache.try_emplace(Callee);
  if (Inserted)
    It->second = classifyMapWrite(Callee->getName());
  return It->second ? &*It->second : nullptr;
}

void MapGuardInstrumenter::collectOptedOutFunctions() {
  // clang lowers __attribute__((annotate("..."))) on a function into
  // @llvm.global.annotations = [{ ptr @fn, ptr @str, ptr @file, i32, ptr }].
  GlobalVariable *GA = M.getNamedGlobal("llvm.global.annotations");
  if (!GA || !GA->hasInitializer())
    return;
  auto *Entries = dyn_cast<ConstantArray>(GA->getInitializer());
  if (!Entries)
    return;
  for (const Use &U : Entries->operands()) {
    auto *Entry = dyn_cast<ConstantStruct>(U.get());
    if (!Entry || Entry->getNumOperands() < 2)
      continue;
    auto *Fn = dyn_cast<Function>(Entry->getOperand(0)->stripPointerCasts());
    auto *Str =
        dyn_cast<GlobalVariable>(Entry->getOperand(1)->stripPointerCasts());
    if (!Fn || !Str || !Str->hasInitializer())
      continue;
    auto *Text = dyn_cast<ConstantDataSequential>(Str->getInitializer());
    if (Text && Text->isCString() && Text->getAsCString() == NoInstrumentAnnotation)
      OptedOut.insert(Fn);
  }
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

std::optional<std::string>
MapGuardInstrumenter::whyOptedOut(const Function &F) const {
  if (OptedOut.contains(&F))
    return std::string("the function is marked MAPGUARD_NO_INSTRUMENT");
  if (F.hasFnAttribute(Attribute::DisableSanitizerInstrumentation))
    return std::string(
        "the function has the disable_sanitizer_instrumentation attribute");
  return std::nullopt;
}

/// Decides whether a site in a function that is not opted out needs its
/// guard: not when a scope list excludes it, nor when no other thread can
/// reach any map it writes.
void MapGuardInstrumenter::decide(WriteSite &Site, const ScopeLists &Scope) {
  if (std::optional<std::string> Why = Scope.whyExcluded(*Site.Call)) {
    Site.Decision = SiteDecision::Ignored;
    Site.Reason = *Why;
    return;
  }
  SmallVector<Value *, 2> Maps = mapsWrittenBy(*Site.Call, *Site.Op);
  if (Maps.empty())
    return; // An unsupported shape: instrumentCallSite says why.
  if (!ClElide) {
    Site.Reason = "elision is off (-mapguard-elide=0)";
    return;
  }
  for (size_t I = 0; I != Maps.size(); ++I)
    if (std::optional<std::string> Why = Escapes.whyShared(Maps[I])) {
      Site.Reason = (I ? "the other map " : "the map ") + *Why;
      return;
    }
  Site.Decision = SiteDecision::Elided;
  Site.Reason = Maps.size() == 1
                    ? "the map is a local variable no other thread can reach"
                    : "both maps are local variables no other thread can "
                      "reach";
}

Constant *MapGuardInstrumenter::getString(StringRef S) {
  Constant *&Slot = Strings[S];
  if (!Slot) {
    Constant *Init = ConstantDataArray::getString(Ctx, S);
    auto *GV = new GlobalVariable(M, Init->getType(), /*isConstant=*/true,
                                  GlobalValue::PrivateLinkage, Init,
                                  ".mapguard.str");
    GV->setUnnamedAddr(GlobalValue::UnnamedAddr::Global);
    GV->setAlignment(Align(1));
    Slot = GV;
  }
  return Slot;
}

Constant *MapGuardInstrumenter::createSiteDescriptor(const CallBase &CB,
                                                     const MapOperation &Op) {
  const Function &F = *CB.getFunction();
  StringRef File = M.getSourceFileName();
  unsigned Line = 0, Column = 0;
  if (const DILocation *Loc = CB.getDebugLoc()) {
    File = Loc->getFilename();
    Line = Loc->getLine();
    Column = Loc->getColumn();
  }
  Type *I32 = Type::getInt32Ty(Ctx);
  Constant *Fields[] = {getString(File),
                        getString(prettifyFunctionName(demangle(F.getName().str()))),
                        getString(Op.Container),
                        getString(Op.Operation),
                        ConstantInt::get(I32, Line),
                        ConstantInt::get(I32, Column)};
  StructType *SiteTy = Hooks->siteType();
  auto *GV = new GlobalVariable(M, SiteTy, /*isConstant=*/true,
                                GlobalValue::PrivateLinkage,
                                ConstantStruct::get(SiteTy, Fields),
                                "__mapguard_site");
  GV->setAlignment(Align(8));
  return GV;
}

/// Whether the unwind path of \p CB, if it has one, can carry an end hook.
bool MapGuardInstrumenter::canGuardUnwinding(CallBase &CB) const {
  if (auto *II = dyn_cast<InvokeInst>(&CB))
    return II->getUnwindDest()->isLandingPad();
  auto *CI = cast<CallInst>(&CB);
  if (CI->isMustTailCall())
    return false;
  if (CI->doesNotThrow() || CB.getFunction()->doesNotThrow())
    return true; // No unwind path leaves through this call.
  // Turning the call into an invoke needs Itanium-style landing pads.
  if (CI->getOperandBundle(LLVMContext::OB_funclet))
    return false;
  const Function &F = *CB.getFunction();
  return !F.hasPersonalityFn() ||
         !isFuncletEHPersonality(classifyEHPersonality(F.getPersonalityFn()));
}

void MapGuardInstrumenter::insertEndHooks(BasicBlock::iterator Where,
                                          ArrayRef<OpenWrite> Writes,
                                          Value *Site, const DebugLoc &DL) {
  // Undo in reverse order of the begins. Each end goes right before the same
  // instruction, so after the ends emitted before it.
  Instruction *Before = &*Where;
  for (const OpenWrite &W : llvm::reverse(Writes))
    Hooks->emitEnd(Before->getIterator(), W, Site, DL);
}

/// Says, as a compiler warning at the call, why a recognised write was left
/// unguarded: never a crash, never a half-instrumented call.
bool MapGuardInstrumenter::leaveUnguarded(const CallBase &CB,
                                          const MapOperation &Op,
                                          const Twine &Why) {
  ++NumSitesUnsupported;
  UnsupportedReason = Why.str();
  Ctx.diagnose(DiagnosticInfoUnsupported(
      *CB.getFunction(),
      "MapGuard: " + Op.Container + "::" + Op.Operation +
          " left unchecked: " + Why,
      CB.getDebugLoc(), DS_Warning));
  return false;
}

bool MapGuardInstrumenter::instrumentCallSite(const WriteSite &Site) {
  CallBase &CB = *Site.Call;
  const MapOperation &Op = *Site.Op;

  unsigned ThisArg = containerArgument(CB);
  unsigned NumMaps = Op.AlsoWritesFirstArgument ? 2 : 1;
  if (CB.arg_size() < ThisArg + NumMaps)
    return leaveUnguarded(CB, Op, "the call has too few arguments for a map");
  SmallVector<Value *, 2> Maps;
  for (unsigned I = 0; I != NumMaps; ++I) {
    Value *Map = CB.getArgOperand(ThisArg + I);
    if (!Map->getType()->isPointerTy())
      return leaveUnguarded(CB, Op, "argument " + Twine(ThisArg + I) +
                                        " is not a pointer to a map");
    Maps.push_back(Map);
  }
  // A guard without its end hook on some path would later report a map
  // that nobody is writing: better no guard at all.
  if (!canGuardUnwinding(CB))
    return leaveUnguarded(CB, Op, "its exception path cannot carry the end "
                                  "hook (musttail or funclet-based EH)");

  Constant *Desc = createSiteDescriptor(CB, Op);
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
      wrapCall(*Inner, StubMaps, Stub->getArg(Stub->arg_size() - 1));
    }
    GuardStubs::redirect(CB, Stub, Desc);
    ++NumSitesOutlined;
    return true;
  }
  wrapCall(CB, Maps, Desc);
  return true;
}

/// Wraps CB, a call or an invoke that writes Maps, with the hooks: the
/// begins before it, the ends on every way out of it.
void MapGuardInstrumenter::wrapCall(CallBase &CB, ArrayRef<Value *> Maps,
                                    Value *Desc) {
  const DebugLoc &DL = CB.getDebugLoc();
  SmallVector<OpenWrite, 2> Writes;
  for (Value *Map : Maps)
    Writes.push_back(Hooks->emitBegin(&CB, Map, Desc, DL));

  if (auto *CI = dyn_cast<CallInst>(&CB)) {
    if (CI->doesNotThrow() || CB.getFunction()->doesNotThrow()) {
      insertEndHooks(std::next(CI->getIterator()), Writes, Desc, DL);
      return;
    }
    // The call may throw out of this function: give it a cleanup landing
    // pad that ends the write and resumes unwinding.
    ResumeInst *Resume =
        createCleanup(*CI->getFunction(), DL, "mapguard.cleanup");
    // The landing pad's block: the end hooks may split it.
    BasicBlock *Cleanup = Resume->getParent();
    insertEndHooks(Resume->getIterator(), Writes, Desc, DL);
    InvokeInst *II = makeInvoke(CI, Cleanup);
    insertEndHooks(II->getNormalDest()->getFirstInsertionPt(), Writes, Desc,
                   DL);
    return;
  }

  auto *II = cast<InvokeInst>(&CB);
  BasicBlock *From = II->getParent();
  // Normal destination: the end hook goes at its top when this invoke is its
  // only predecessor, else on a new block on the edge.
  BasicBlock *Normal = II->getNormalDest();
  if (!Normal->getSinglePredecessor())
    Normal = SplitEdge(From, Normal);
  insertEndHooks(Normal->getFirstInsertionPt(), Writes, Desc, DL);
  // Unwind destination: a landing pad shared with other invokes is split so
  // that this invoke gets one of its own.
  BasicBlock *Unwind = II->getUnwindDest();
  if (!Unwind->getSinglePredecessor()) {
    SmallVector<BasicBlock *, 2> NewBBs;
    SplitLandingPadPredecessors(Unwind, {From}, ".mapguard", ".mapguard.rest",
                                NewBBs);
    Unwind = NewBBs[0];
  }
  insertEndHooks(Unwind->getFirstInsertionPt(), Writes, Desc, DL);
}

/// A new block of F, Name: a cleanup landing pad and a resume. Hooks go
/// before the returned resume. Gives F a personality if it has none.
ResumeInst *MapGuardInstrumenter::createCleanup(Function &F,
                                                const DebugLoc &DL,
                                                StringRef Name) {
  if (!F.hasPersonalityFn()) {
    FunctionCallee Personality = M.getOrInsertFunction(
        "__gxx_personality_v0",
        FunctionType::get(Type::getInt32Ty(Ctx), /*isVarArg=*/true));
    F.setPersonalityFn(cast<Constant>(Personality.getCallee()));
  }
  IRBuilder<> B(BasicBlock::Create(Ctx, Name, &F));
  B.SetCurrentDebugLocation(DL);
  LandingPadInst *LP = B.CreateLandingPad(
      StructType::get(PtrTy, Type::getInt32Ty(Ctx)), 0, "mapguard.lpad");
  LP->setCleanup(true);
  return B.CreateResume(LP);
}

/// Turns CI into an invoke that unwinds to Cleanup and continues in a block
/// of its own (its normal destination), keeping the call's name.
InvokeInst *MapGuardInstrumenter::makeInvoke(CallInst *CI,
                                             BasicBlock *Cleanup) {
  std::string Name = CI->getName().str();
  CI->setName("");
  BasicBlock *Cont = changeToInvokeAndSplitBasicBlock(CI, Cleanup);
  auto *II = cast<InvokeInst>(Cont->getSinglePredecessor()->getTerminator());
  II->setName(Name);
  ++NumCallsMadeInvokes;
  return II;
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
    const MapOperation *Op = classifyCallee(&Write);
    if (!Op)
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

/// Whether F is part of a container: one of its operations, or its code.
bool MapGuardInstrumenter::isContainerCode(const Function &F) {
  return classifyCallee(&F) || classifyReadCallee(&F) ||
         isContainerImplementation(F.getName()) ||
         isContainerNavigation(F.getName());
}

/// What a call in a loop that is neither a window's write nor its lookup is.
LoopCall MapGuardInstrumenter::classifyOtherLoopCall(const CallBase &CB) {
  const Function *Callee = CB.getCalledFunction();
  return Callee && isContainerCode(*Callee) ? LoopCall::MapOperation
                                            : LoopCall::Other;
}

/// Finds the loops whose guarded writes can share one window per run
/// (LoopWindows.h) and emits those windows, marking the sites guarded that
/// way (InLoopWindow); Reads whose calls were replaced are updated.
void MapGuardInstrumenter::guardLoopWindows(MutableArrayRef<WriteSite> Sites,
                                            MutableArrayRef<ReadSite> Reads,
                                            MutableArrayRef<SiteRecord> Records) {
  DenseMap<const CallBase *, size_t> GuardedIndex;
  SmallVector<Function *, 8> Functions;
  for (size_t I = 0; I != Sites.size(); ++I) {
    if (Sites[I].Decision != SiteDecision::Guarded)
      continue;
    GuardedIndex[Sites[I].Call] = I;
    Function *F = Sites[I].Call->getFunction();
    if (Functions.empty() || Functions.back() != F)
      Functions.push_back(F); // sites are collected function by function
  }
  SyncAnalysis Sync(M);
  auto Classify = [&](const CallBase &CB) {
    if (GuardedIndex.count(&CB))
      return LoopCall::GuardedWrite;
    return classifyOtherLoopCall(CB);
  };
  auto WrittenMap = [&](const CallBase &CB) -> Value * {
    const WriteSite &Site = Sites[GuardedIndex.lookup(&CB)];
    unsigned ThisArg = containerArgument(CB);
    if (Site.Op->AlsoWritesFirstArgument || CB.arg_size() <= ThisArg ||
        !CB.getArgOperand(ThisArg)->getType()->isPointerTy())
      return nullptr;
    return CB.getArgOperand(ThisArg);
  };
  auto CanGuard = [&](CallBase &CB) { return canGuardUnwinding(CB); };

  DenseMap<CallBase *, CallBase *> Replaced;
  for (Function *F : Functions) {
    for (const LoopWindow &W :
         planLoopWindows(*F, Sync, Classify, WrittenMap, CanGuard)) {
      SmallVector<const WriteSite *, 4> Writes;
      for (CallBase *CB : W.Writes) {
        size_t I = GuardedIndex.lookup(CB);
        Writes.push_back(&Sites[I]);
        Sites[I].InLoopWindow = true;
        Records[I].Reason += "; one check for each run of the loop";
        if (W.Line)
          Records[I].Reason += " at line " + std::to_string(W.Line);
      }
      needHooks();
      emitLoopWindow(W, Writes, Replaced);
      ++NumLoopWindows;
    }
  }
  for (ReadSite &R : Reads)
    if (CallBase *New = Replaced.lookup(R.Call))
      R.Call = New;
}

/// One window for a loop's writes to one map: a flag in the function's frame
/// (promoted to a register by SROA) says whether it is open. Each write
/// opens it unless it is open; every block the loop exits to, landing pads
/// included, closes it if it is open (elsewhere the flag is false); calls in
/// the loop that may throw out of the function get a cleanup that closes it.
void MapGuardInstrumenter::emitLoopWindow(
    const LoopWindow &W, ArrayRef<const WriteSite *> Writes,
    DenseMap<CallBase *, CallBase *> &Replaced) {
  Function &F = *W.Writes.front()->getFunction();
  const DebugLoc &DL = W.Writes.front()->getDebugLoc();
  Type *I1 = Type::getInt1Ty(Ctx), *I64 = Type::getInt64Ty(Ctx);
  BasicBlock &Entry = F.getEntryBlock();
  IRBuilder<> EB(&Entry, Entry.getFirstInsertionPt());
  AllocaInst *IsOpen = EB.CreateAlloca(I1, nullptr, "mapguard.loop.open");
  AllocaInst *MapSlot = EB.CreateAlloca(PtrTy, nullptr, "mapguard.loop.map");
  AllocaInst *TokenSlot =
      EB.CreateAlloca(IntPtrTy, nullptr, "mapguard.loop.token");
  AllocaInst *SiteSlot = EB.CreateAlloca(PtrTy, nullptr, "mapguard.loop.site");
  AllocaInst *KeySlot = nullptr;
  EB.CreateStore(EB.getFalse(), IsOpen);
  // stress=1 is decided at startup: one load per call of the function, not
  // one per write (SROA keeps it in a register).
  AllocaInst *StressedSlot =
      EB.CreateAlloca(I1, nullptr, "mapguard.loop.stressed");
  EB.CreateStore(Hooks->emitStressed(EB), StressedSlot);
  MDBuilder MDB(Ctx);

  for (const WriteSite *Site : Writes) {
    CallBase &CB = *Site->Call;
    // Under stress, a chance to sleep at every write, as per-write windows
    // have.
    IRBuilder<> B(&CB);
    B.SetCurrentDebugLocation(CB.getDebugLoc());
    Hooks->emitStressTick(&CB, B.CreateLoad(I1, StressedSlot), CB.getDebugLoc());
    B.SetInsertPoint(&CB);
    Value *Closed = B.CreateNot(B.CreateLoad(I1, IsOpen));
    // With several writes in the window, one that finds it open already
    // (Else) makes the window name it from now on.
    Instruction *Then = nullptr, *Else = nullptr;
    if (Writes.size() > 1)
      SplitBlockAndInsertIfThenElse(Closed, &CB, &Then, &Else,
                                    MDB.createUnlikelyBranchWeights());
    else
      Then = SplitBlockAndInsertIfThen(Closed, &CB, false,
                                       MDB.createUnlikelyBranchWeights());
    Then->getParent()->setName("mapguard.loop.begin");
    Constant *Desc = createSiteDescriptor(CB, *Site->Op);
    Value *Map = CB.getArgOperand(containerArgument(CB));
    OpenWrite Open = Hooks->emitBegin(Then, Map, Desc, CB.getDebugLoc());
    IRBuilder<> T(Then);
    T.CreateStore(Map, MapSlot);
    T.CreateStore(Open.Token, TokenSlot);
    if (Open.Key) {
      if (!KeySlot)
        KeySlot = EB.CreateAlloca(I64, nullptr, "mapguard.loop.key");
      T.CreateStore(Open.Key, KeySlot);
    }
    T.CreateStore(Desc, SiteSlot);
    T.CreateStore(T.getTrue(), IsOpen);
    if (Else) {
      // In the end hook's report, and (strict) in the slot that other
      // threads read; the begin above did both for the window's first write.
      Else->getParent()->setName("mapguard.loop.next");
      IRBuilder<> U(Else);
      U.CreateStore(Desc, SiteSlot);
      Hooks->emitSiteUpdate(Else, U.CreateLoad(IntPtrTy, TokenSlot), Desc);
    }
  }

  auto Close = [&](Instruction *Before) {
    IRBuilder<> B(Before);
    B.SetCurrentDebugLocation(DL);
    Instruction *Then =
        SplitBlockAndInsertIfThen(B.CreateLoad(I1, IsOpen), Before, false);
    Then->getParent()->setName("mapguard.loop.end");
    B.SetInsertPoint(Then);
    OpenWrite Open = {B.CreateLoad(PtrTy, MapSlot),
                      B.CreateLoad(IntPtrTy, TokenSlot),
                      KeySlot ? B.CreateLoad(I64, KeySlot) : nullptr};
    Value *Site = B.CreateLoad(PtrTy, SiteSlot);
    Hooks->emitEnd(Then->getIterator(), Open, Site, DL);
    B.SetInsertPoint(Then);
    B.CreateStore(B.getFalse(), IsOpen);
  };
  for (BasicBlock *Exit : W.Exits)
    Close(&*Exit->getFirstInsertionPt());

  if (W.MayThrow.empty())
    return;
  ResumeInst *Resume = createCleanup(F, DL, "mapguard.loop.cleanup");
  BasicBlock *Cleanup = Resume->getParent();
  Close(Resume);
  for (CallBase *CB : W.MayThrow)
    Replaced[CB] = makeInvoke(cast<CallInst>(CB), Cleanup);
}

/// Finds the loops that only read one map (LoopWindows.h, planReadWindows)
/// and gives each a read window; their lookups are marked InReadWindow.
/// Runs after the write windows, on loops without guarded writes.
void MapGuardInstrumenter::guardReadWindows(ArrayRef<WriteSite> Sites,
                                            MutableArrayRef<ReadSite> Reads) {
  // Writes still to be guarded one by one. (A write window's writes may
  // have been replaced by invokes; their loops hold hook calls, which no
  // read window takes.)
  SmallPtrSet<const CallBase *, 16> Guarded;
  for (const WriteSite &Site : Sites)
    if (Site.Decision == SiteDecision::Guarded && !Site.InLoopWindow)
      Guarded.insert(Site.Call);
  DenseMap<const CallBase *, size_t> ReadIndex;
  // Per function (reads are collected function by function), its begin()s.
  SmallVector<std::pair<Function *, SmallVector<CallBase *, 2>>, 8> Functions;
  for (size_t I = 0; I != Reads.size(); ++I) {
    if (!readMap(*Reads[I].Call))
      continue;
    ReadIndex[Reads[I].Call] = I;
    Function *F = Reads[I].Call->getFunction();
    if (Functions.empty() || Functions.back().first != F)
      Functions.push_back({F, {}});
    if (Reads[I].Read->Kind == MapRead::Iteration)
      Functions.back().second.push_back(Reads[I].Call);
  }
  if (Functions.empty())
    return;
  needHooks();
  if (!Hooks->hasInlineChecks())
    return; // -mapguard-inline=0: the runtime sees every lookup
  SyncAnalysis Sync(M);
  auto ReadAt = [&](const CallBase *CB) -> ReadSite & {
    return Reads[ReadIndex.lookup(CB)];
  };
  auto Classify = [&](const CallBase &CB) {
    if (ReadIndex.count(&CB) && ReadAt(&CB).Read->Kind == MapRead::Lookup)
      return LoopCall::CheckedRead;
    if (Guarded.count(&CB))
      return LoopCall::GuardedWrite;
    return classifyOtherLoopCall(CB);
  };
  for (auto &[F, Begins] : Functions) {
    // Iterations first: their windows add nothing inside their loops, so
    // that a loop of lookups inside one can still be a read window.
    for (const LoopWindow &W :
         planIterationWindows(*F, Sync, Classify, readMap, Begins)) {
      emitReadWindow(W, ReadAt(W.Begin));
      ++NumIterationWindows;
    }
    for (const LoopWindow &W :
         planReadWindows(*F, Sync, Classify, readMap)) {
      for (CallBase *CB : W.Reads)
        ReadAt(CB).InReadWindow = true;
      emitReadWindow(W, ReadAt(W.Reads.front()));
      ++NumReadWindows;
    }
  }
}

/// One check for a loop's lookups of one map: a flag in the function's frame
/// says whether the loop has looked the map up yet. The key in the map's
/// slot is loaded where the loop is entered (at the end of its preheader;
/// without one, at the first lookup of each run), with no call in the loop,
/// so that the loop's own loads stay free to be hoisted. Every block the
/// loop exits to checks, if the flag is set, for a write by another thread
/// in progress or begun since. An iteration window (W.Begin; First is its
/// begin()) is the same, opened just before begin() in the preheader.
void MapGuardInstrumenter::emitReadWindow(const LoopWindow &W,
                                          const ReadSite &First) {
  remarkReadWindow(*First.Call, First.Read->Container, First.Read->Operation,
                   W.Line, /*Iteration=*/W.Begin != nullptr);
  Function &F = *First.Call->getFunction();
  const DebugLoc &DL = First.Call->getDebugLoc();
  Type *I1 = Type::getInt1Ty(Ctx), *I64 = Type::getInt64Ty(Ctx);
  BasicBlock &Entry = F.getEntryBlock();
  IRBuilder<> EB(&Entry, Entry.getFirstInsertionPt());
  AllocaInst *HasRead = EB.CreateAlloca(I1, nullptr, "mapguard.reads.open");
  AllocaInst *Snapshot =
      EB.CreateAlloca(I64, nullptr, "mapguard.reads.snapshot");
  // The map's pointer as the snapshot saw it: the loop's own may be loaded
  // inside the loop, where it does not reach every exit.
  AllocaInst *MapSlot = EB.CreateAlloca(PtrTy, nullptr, "mapguard.reads.map");
  EB.CreateStore(EB.getFalse(), HasRead);
  EB.CreateStore(EB.getInt64(0), Snapshot);
  if (W.Preheader) {
    // An iteration window opens just before its begin(), which reads the
    // map; a read window is open once the loop has looked it up.
    IRBuilder<> B(W.Begin ? W.Begin : W.Preheader->getTerminator());
    B.SetCurrentDebugLocation(DL);
    B.CreateStore(W.PreheaderMap, MapSlot);
    B.CreateStore(Hooks->emitReadSnapshot(B, W.PreheaderMap), Snapshot);
    B.CreateStore(B.getInt1(W.Begin != nullptr), HasRead);
  }
  MDBuilder MDB(Ctx);
  for (CallBase *CB : W.Reads) {
    IRBuilder<> B(CB);
    B.SetCurrentDebugLocation(CB->getDebugLoc());
    if (W.Preheader) {
      B.CreateStore(B.getTrue(), HasRead);
      continue;
    }
    Instruction *Then = SplitBlockAndInsertIfThen(
        B.CreateNot(B.CreateLoad(I1, HasRead)), CB, false,
        MDB.createUnlikelyBranchWeights());
    Then->getParent()->setName("mapguard.reads.first");
    IRBuilder<> T(Then);
    T.CreateStore(readMap(*CB), MapSlot);
    T.CreateStore(Hooks->emitReadSnapshot(T, readMap(*CB)), Snapshot);
    T.CreateStore(T.getTrue(), HasRead);
  }
  MapOperation Op;
  Op.Container = First.Read->Container;
  Op.Operation = First.Read->Operation;
  Constant *Site = createSiteDescriptor(*First.Call, Op);
  for (BasicBlock *Exit : W.Exits) {
    Instruction *Before = &*Exit->getFirstInsertionPt();
    IRBuilder<> B(Before);
    B.SetCurrentDebugLocation(DL);
    Instruction *Then =
        SplitBlockAndInsertIfThen(B.CreateLoad(I1, HasRead), Before, false);
    Then->getParent()->setName("mapguard.reads.end");
    B.SetInsertPoint(Then);
    B.CreateStore(B.getFalse(), HasRead);
    Hooks->emitReadCheck(Then, B.CreateLoad(PtrTy, MapSlot), Site,
                         /*Iteration=*/W.Begin != nullptr, DL,
                         B.CreateLoad(I64, Snapshot));
  }
}

bool MapGuardInstrumenter::run() {
  if (M.getModuleFlag(InstrumentedFlag))
    return false; // Instrumented already: a second run changes nothing.
  std::optional<ScopeLists> Scope =
      ScopeLists::load(ClIgnorelist, ClAllowlist, Ctx);
  if (!Scope)
    return false; // Reported as an error: the compilation fails.
  collectOptedOutFunctions();

  // Collect first, then mutate: instrumentation splits blocks.
  SmallVector<WriteSite, 32> Sites;
  SmallVector<ReadSite, 32> Reads;
  for (Function &F : M) {
    if (!shouldInstrumentFunction(F))
      continue;
    std::optional<std::string> OptOut = whyOptedOut(F);
    // The function's loops, computed when it first has a write to guard.
    std::optional<DominatorTree> DT;
    std::optional<LoopInfo> LI;
    auto InLoop = [&](const Instruction &I) {
      if (!LI) {
        DT.emplace(F);
        LI.emplace(*DT);
      }
      return LI->getLoopFor(I.getParent()) != nullptr;
    };
    for (Instruction &I : instructions(F)) {
      auto *CB = dyn_cast<CallBase>(&I);
      if (!CB || isa<CallBrInst>(CB))
        continue;
      const Function *Callee = CB->getCalledFunction();
      if (!Callee)
        continue;
      const MapOperation *Op = classifyCallee(Callee);
      if (!Op) {
        // Reads are checked where writes would be guarded; a map no other
        // thread can reach needs no check either.
        const MapRead *R = classifyReadCallee(Callee);
        if (!R || OptOut || Scope->whyExcluded(*CB))
          continue;
        unsigned ThisArg = containerArgument(*CB);
        if (CB->arg_size() > ThisArg && ClElide &&
            !Escapes.whyShared(CB->getArgOperand(ThisArg)))
          continue;
        Reads.push_back({CB, R});
        continue;
      }
      ++NumWriteSitesSeen;
      WriteSite Site{CB, Op, SiteDecision::Guarded, ""};
      if (OptOut) {
        ++NumSitesOptedOut;
        Site.Decision = SiteDecision::OptedOut;
        Site.Reason = *OptOut;
      } else {
        decide(Site, *Scope);
      }
      if (Site.Decision == SiteDecision::Guarded &&
          Outline == OutlineRule::OutsideLoops)
        Site.InLoop = InLoop(*CB);
      Sites.push_back(std::move(Site));
    }
  }

  remarkAddressesTaken();
  M.addModuleFlag(Module::Max, InstrumentedFlag, 1);
  bool Changed = false;
  // Recorded before the instrumentation may replace the calls.
  SmallVector<SiteRecord, 32> Records;
  for (const WriteSite &Site : Sites)
    Records.emplace_back(*Site.Call, *Site.Op, Site.Decision, Site.Reason);
  if (ClLoopWindows) {
    guardLoopWindows(Sites, Reads, Records);
    guardReadWindows(Sites, Reads);
  }
  SiteReport Report;
  for (size_t I = 0; I != Sites.size(); ++I) {
    const WriteSite &Site = Sites[I];
    SiteRecord &Record = Records[I];
    if (Site.Decision == SiteDecision::Elided)
      ++NumSitesElided;
    else if (Site.Decision == SiteDecision::Ignored)
      ++NumSitesIgnored;
    if (Site.Decision == SiteDecision::Guarded) {
      needHooks();
      if (Site.InLoopWindow) {
        ++NumWriteSitesWrapped;
        Changed = true;
      } else if (instrumentCallSite(Site)) {
        Changed = true;
      } else {
        Record.Decision = SiteDecision::Unsupported;
        Record.Reason = UnsupportedReason;
      }
    }
    Report.add(std::move(Record));
  }
  for (const ReadSite &Site : Reads) {
    Changed = true;
    if (Site.InReadWindow)
      continue;
    needHooks();
    checkRead(Site);
  }
  Report.emitRemarks();
  if (!ClSites.empty())
    Report.appendInventory(ClSites, M);
  return Changed;
}

struct MapGuardPass : PassInfoMixin<MapGuardPass> {
  PreservedAnalyses run(Module &M, ModuleAnalysisManager &) {
    if (!MapGuardInstrumenter(M).run())
      return PreservedAnalyses::all();
    return PreservedAnalyses::none();
  }
  // Run at -O0 too, where clang marks every function optnone.
  static bool isRequired() { return true; }
};

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
                  if (Name != "mapguard")
                    return false;
                  MPM.addPass(MapGuardPass());
                  return true;
                });
          }};
}

extern "C" LLVM_ATTRIBUTE_WEAK ::llvm::PassPluginLibraryInfo
llvmGetPassPluginInfo() {
  return getMapGuardPluginInfo();
}
