// Each site's descriptor names the source file, line and column (from debug
// info), the enclosing function (demangled; containers in its signature
// shortened like the container type), the container type (inline
// namespaces and default arguments dropped) and the operation — the same
// with libstdc++ and libc++.
// RUN: %clangxx -std=c++17 -O0 -g -fpass-plugin=%plugin -S -emit-llvm -o - %s | FileCheck %s
// RUN: %if libcxx %{ %clangxx -std=c++17 -stdlib=libc++ -O0 -g -fpass-plugin=%plugin -S -emit-llvm -o - %s | FileCheck %s %}
#include <map>
#include <string>
#include <unordered_map>

namespace app {
void record(std::unordered_map<std::string, int> &counts, const std::string &k) {
  counts[k] += 1;
}
} // namespace app

void nest(std::map<int, std::unordered_map<int, long>> &m) {
  m[1].erase(2);
}

// CHECK-DAG: @[[FILE:.mapguard.str[.0-9]*]] = {{.*}} c"{{[^"]*}}descriptor_contents.cpp\00"
// CHECK-DAG: @[[RECORD:.mapguard.str[.0-9]*]] = {{.*}} c"app::record(std::unordered_map<std::string, int>&, std::string const&)\00"
// CHECK-DAG: @[[UMAP:.mapguard.str[.0-9]*]] = {{.*}} c"std::unordered_map<std::string, int>\00"
// CHECK-DAG: @[[INDEX:.mapguard.str[.0-9]*]] = {{.*}} c"operator[]\00"
// CHECK-DAG: @[[NEST:.mapguard.str[.0-9]*]] = {{.*}} c"nest(std::map<int, std::unordered_map<int, long>>&)\00"
// CHECK-DAG: @[[OUTER:.mapguard.str[.0-9]*]] = {{.*}} c"std::map<int, std::unordered_map<int, long>>\00"
// CHECK-DAG: @[[INNER:.mapguard.str[.0-9]*]] = {{.*}} c"std::unordered_map<int, long>\00"
// CHECK-DAG: @[[ERASE:.mapguard.str[.0-9]*]] = {{.*}} c"erase\00"
//
// counts[k] on line 14, column 3..
// CHECK-DAG: @{{__mapguard_site[.0-9]*}} = private constant %mapguard.site { ptr @[[FILE]], ptr @[[RECORD]], ptr @[[UMAP]], ptr @[[INDEX]], i32 14, i32 {{[0-9]+}} }
// .. m[1] and .erase(2) on line 19: the outer and the inner map are two sites.
// CHECK-DAG: @{{__mapguard_site[.0-9]*}} = private constant %mapguard.site { ptr @[[FILE]], ptr @[[NEST]], ptr @[[OUTER]], ptr @[[INDEX]], i32 19, i32 3 }
// CHECK-DAG: @{{__mapguard_site[.0-9]*}} = private constant %mapguard.site { ptr @[[FILE]], ptr @[[NEST]], ptr @[[INNER]], ptr @[[ERASE]], i32 19, i32 8 }
