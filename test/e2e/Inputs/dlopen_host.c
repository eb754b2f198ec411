// A host program built without MapGuard: dlopen()s the library argv[1]
// (RTLD_LOCAL, as Python loads an extension module) and calls its function
// argv[2], which returns the map's size.
#include <dlfcn.h>
#include <stdio.h>

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: %s LIBRARY FUNCTION\n", argv[0]);
    return 2;
  }
  void *lib = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
  if (!lib) {
    fprintf(stderr, "dlopen: %s\n", dlerror());
    return 2;
  }
  int (*fn)(void) = (int (*)(void))dlsym(lib, argv[2]);
  if (!fn) {
    fprintf(stderr, "dlsym: %s\n", dlerror());
    return 2;
  }
  printf("%s: %d entries\n", argv[2], fn());
  return 0;
}
