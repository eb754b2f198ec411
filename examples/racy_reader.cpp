// One thread fills a std::unordered_map while another looks keys up in it,
// with no lock: a read races the writes ("concurrent map read and map
// write" in Go).
//
//   build/bin/mapguard-clang++ -O1 -g -pthread examples/racy_reader.cpp -o reader
#include <cstdio>
#include <thread>
#include <unordered_map>

int main() {
  std::unordered_map<int, int> index;
  long hits = 0;
  std::thread writer([&index] {
    for (int i = 0; i < 2000; ++i)
      index[i] = i; // the unsynchronised write
  });
  std::thread reader([&index, &hits] {
    for (int i = 0; i < 2000; ++i)
      hits += index.find(i) != index.end(); // the unsynchronised read
  });
  writer.join();
  reader.join();
  std::printf("%zu entries, %ld hits\n", index.size(), hits);
}
