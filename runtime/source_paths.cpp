//===-- source_paths.cpp - How a report prints a source path --------------===//
//
// A source path as a reader opens it: without strip_path_prefix (up to its
// first occurrence, as in the sanitizers), else relative to the current
// directory when that is shorter than the absolute path the pass recorded,
// with "." and "dir/.." components removed (machine-readable reports: never
// relative to the current directory). Only the report's path gets here.
//
//===----------------------------------------------------------------------===//
#include "mapguard_internal.h"
#include "options.h"
#include "report.h"

#include <string.h>
#include <unistd.h>

using namespace __mapguard;

// Removes "." and "dir/.." components of an absolute path, in place
// ("/usr/lib/gcc/x/12/../../../../include/c++" -> "/usr/include/c++").
static void NormalizePath(char *Path) {
  char *Out = Path;
  for (const char *In = Path; *In;) {
    while (*In == '/')
      ++In;
    const char *End = In;
    while (*End && *End != '/')
      ++End;
    size_t Len = size_t(End - In);
    if (Len == 1 && In[0] == '.') {
    } else if (Len == 2 && In[0] == '.' && In[1] == '.') {
      while (Out > Path && *--Out != '/') {
      }
    } else if (Len) {
      *Out++ = '/';
      memmove(Out, In, Len);
      Out += Len;
    }
    In = End;
  }
  if (Out == Path)
    *Out++ = '/';
  *Out = '\0';
}

void __mapguard::PrintSourcePath(Output &Out, const char *File,
                                 bool ForMachines) {
  if (!File || !*File) {
    Out.str("<unknown>");
    return;
  }
  static char Normal[4096];
  if (File[0] == '/' && strlen(File) < sizeof(Normal)) {
    strcpy(Normal, File);
    NormalizePath(Normal);
    File = Normal;
  }
  const char *Prefix = g_options.strip_path_prefix;
  if (*Prefix) {
    if (const char *Hit = strstr(File, Prefix)) {
      Out.str(Hit + strlen(Prefix));
      return;
    }
  }
  char Cwd[4096];
  if (ForMachines || File[0] != '/' || !getcwd(Cwd, sizeof(Cwd))) {
    Out.str(File);
    return;
  }
  if (strcmp(Cwd, "/") == 0) {
    Out.str(File + 1);
    return;
  }
  // The longest common directory of Cwd and File, then one ".." per
  // directory of Cwd below it.
  size_t Common = 0;
  for (size_t I = 0; Cwd[I] && Cwd[I] == File[I]; ++I)
    if ((Cwd[I + 1] == '\0' || Cwd[I + 1] == '/') && File[I + 1] == '/')
      Common = I + 1;
  size_t Ups = 0;
  for (const char *C = Cwd + Common; *C; ++C)
    Ups += *C == '/';
  const char *Rest = File + Common + (File[Common] == '/');
  if (Ups * 3 + strlen(Rest) >= strlen(File)) {
    Out.str(File);
    return;
  }
  for (size_t I = 0; I != Ups; ++I)
    Out.str("../");
  Out.str(Rest);
}
