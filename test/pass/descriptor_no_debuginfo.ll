; Without debug info the descriptor names the module's source file, line 0
; and column 0 (the report then prints the file alone).
; RUN: %opt -load-pass-plugin=%plugin -passes=mapguard -S %s | FileCheck %s
source_filename = "src/cache.cpp"

declare void @_ZNSt3setIiSt4lessIiESaIiEE5clearEv(ptr) nounwind

; CHECK-DAG: @[[FILE:.mapguard.str[.0-9]*]] = private unnamed_addr constant [14 x i8] c"src/cache.cpp\00"
; CHECK-DAG: @[[FN:.mapguard.str[.0-9]*]] = private unnamed_addr constant [11 x i8] c"reset(int)\00"
; CHECK-DAG: @[[CONT:.mapguard.str[.0-9]*]] = private unnamed_addr constant [14 x i8] c"std::set<int>\00"
; CHECK-DAG: @[[OP:.mapguard.str[.0-9]*]] = private unnamed_addr constant [6 x i8] c"clear\00"
; CHECK-DAG: @__mapguard_site = private constant %mapguard.site { ptr @[[FILE]], ptr @[[FN]], ptr @[[CONT]], ptr @[[OP]], i32 0, i32 0 }, align 8
define void @_Z5reseti(ptr %s) {
  call void @_ZNSt3setIiSt4lessIiESaIiEE5clearEv(ptr %s)
  ret void
}
