//===-- test_util.cpp - Helpers for the runtime's unit tests --------------===//

#include "test_util.h"

#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

namespace mapguard_test {

pid_t Gettid() { return pid_t(syscall(SYS_gettid)); }

std::string CaptureOutput(const std::function<void(int)> &Print) {
  FILE *F = tmpfile();
  EXPECT_NE(F, nullptr);
  if (!F)
    return "";
  Print(fileno(F));
  rewind(F);
  std::string Text;
  char Buf[4096];
  for (size_t N; (N = fread(Buf, 1, sizeof(Buf), F)) > 0;)
    Text.append(Buf, N);
  fclose(F);
  return Text;
}

std::vector<uintptr_t> MapsSharingBucket(Mode M, uintptr_t From, size_t N) {
  auto Hash = [M](uintptr_t A) {
    return M == Mode::Strict ? __mapguard::StrictBucketIndex(A)
                             : __mapguard::FastSlotIndex(A);
  };
  std::vector<uintptr_t> Maps;
  for (uintptr_t A = From; Maps.size() < N; A += 8)
    if (Hash(A) == Hash(From))
      Maps.push_back(A);
  return Maps;
}

std::vector<uintptr_t> MapsSharingHome(uintptr_t From, size_t N) {
  using __mapguard::StrictHomeNumber;
  std::vector<uintptr_t> Maps;
  for (uintptr_t A = From; Maps.size() < N; A += 8)
    if (StrictHomeNumber(A) == StrictHomeNumber(From))
      Maps.push_back(A);
  return Maps;
}

void NameThisThread(const char *Name) {
  pthread_setname_np(pthread_self(), Name);
}

HeldWrite::HeldWrite(Mode M, uintptr_t Map, const Site *S,
                     const char *ThreadName) {
  Thread = std::thread([this, M, Map, S, ThreadName] {
    NameThisThread(ThreadName);
    Tid = Gettid();
    Token = Begin(M, Map, S);
    Began.store(true);
    while (!Release.load())
      sched_yield();
    End(M, Map, S, Token);
  });
  while (!Began.load())
    sched_yield();
}

void HeldWrite::end() {
  Release.store(true);
  if (Thread.joinable())
    Thread.join();
}

std::string ReadFile(const std::string &Path) {
  std::string Text;
  int Fd = open(Path.c_str(), O_RDONLY);
  if (Fd < 0)
    return Text;
  char Buf[4096];
  ssize_t N;
  while ((N = read(Fd, Buf, sizeof(Buf))) > 0)
    Text.append(Buf, size_t(N));
  close(Fd);
  return Text;
}

size_t CountOf(const std::string &Haystack, const std::string &Needle) {
  size_t N = 0;
  for (size_t At = Haystack.find(Needle); At != std::string::npos;
       At = Haystack.find(Needle, At + Needle.size()))
    ++N;
  return N;
}

static std::string TempFile(const char *Stem) {
  std::string Path = ::testing::TempDir() + Stem + "XXXXXX";
  int Fd = mkstemp(&Path[0]);
  if (Fd >= 0)
    close(Fd);
  return Path;
}

ChildResult RunInChild(const std::function<void()> &Body) {
  ChildResult R;
  std::string OutPath = TempFile("mapguard-out-");
  std::string ErrPath = TempFile("mapguard-err-");
  fflush(nullptr);
  R.pid = fork();
  if (R.pid == 0) {
    int Out = open(OutPath.c_str(), O_WRONLY | O_TRUNC);
    int Err = open(ErrPath.c_str(), O_WRONLY | O_TRUNC);
    if (Out < 0 || Err < 0)
      _exit(120);
    dup2(Out, 1);
    dup2(Err, 2);
    alarm(20);
    Body();
    exit(0);
  }
  waitpid(R.pid, &R.status, 0);
  R.out = ReadFile(OutPath);
  R.err = ReadFile(ErrPath);
  unlink(OutPath.c_str());
  unlink(ErrPath.c_str());
  return R;
}

void NoReportTest::SetUp() {
  Saved = __mapguard::g_options;
  __mapguard::g_options.halt_on_error = false;
  ConflictsBefore = __mapguard::ConflictCount();
}

void NoReportTest::TearDown() {
  EXPECT_EQ(__mapguard::ConflictCount(), ConflictsBefore)
      << "the runtime reported a conflict that is not one";
  EXPECT_EQ(__mapguard::StrictTableOccupancy(), 0u);
  EXPECT_EQ(__mapguard::StrictAwayCount(), 0u);
  EXPECT_EQ(__mapguard::FastTableOccupancy(), 0u);
  __mapguard::g_options = Saved;
}

std::string Quote(const std::string &Literal) {
  std::string Out;
  for (char C : Literal) {
    if (std::string("\\^$.|?*+()[]{}").find(C) != std::string::npos)
      Out += '\\';
    Out += C;
  }
  return Out;
}

const Site kFirstSite = {"first.cpp", "writerA()", "std::map<int, int>",
                         "insert",    10,          5};
const Site kSecondSite = {"second.cpp",
                          "writerB(int)",
                          "std::map<int, int, std::less<int>>",
                          "operator[]",
                          20,
                          7};
const Site kThirdSite = {"third.cpp", "writerC()", "std::map<int, int>",
                         "erase",     30,          9};

static std::string SitePattern(const Site &S) {
  return " in " + Quote(S.function) + " at " + Quote(S.file) + ":" +
         std::to_string(S.line) + ":" + std::to_string(S.column) + " \\[" +
         Quote(S.operation) + "\\]";
}

std::string ReportPattern(uintptr_t Map, const char *Container,
                          const Site &Second, const char *SecondName,
                          const Site &First, const char *FirstName) {
  char Hex[32];
  snprintf(Hex, sizeof(Hex), "%lx", (unsigned long)Map);
  return std::string("==[0-9]+==ERROR: MapGuard: concurrent map writes\n") +
         "fatal error: concurrent map writes\n" + "  map 0x" + Hex + " \\(" +
         Quote(Container) + "\\)\n" + "  write by thread [0-9]+ \"" +
         SecondName + "\"" + SitePattern(Second) + "\n" +
         "  while thread [0-9]+ \"" + FirstName + "\" was writing it" +
         SitePattern(First) + "\n" +
         "SUMMARY: MapGuard: concurrent map writes " + Quote(Second.file) +
         ":" + std::to_string(Second.line) + " in " + Quote(Second.function) +
         "\n";
}

// Tests start threads, so death tests re-execute the binary rather than
// fork it mid-test. Reports are checked line by line without call stacks
// (the fake sites are in no stack; test/e2e/racy_stacks.cpp checks them).
namespace {
class ThreadsafeDeathTests : public ::testing::Environment {
  void SetUp() override {
    GTEST_FLAG_SET(death_test_style, "threadsafe");
    __mapguard::g_options.stack_depth = 0;
  }
};
const ::testing::Environment *const kThreadsafeDeathTests =
    ::testing::AddGlobalTestEnvironment(new ThreadsafeDeathTests);
} // namespace

} // namespace mapguard_test
