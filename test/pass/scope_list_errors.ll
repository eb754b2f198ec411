; A missing or malformed scope list is an error naming the option, the file
; and, for a parse error, the line and the problem: opt prints it and exits
; non-zero, without a crash or a stack dump.
; RUN: not %opt -load-pass-plugin=%plugin -passes=mapguard -disable-output %s \
; RUN:   -mapguard-ignorelist=%t.missing 2>&1 | FileCheck %s --check-prefix=MISSING -DFILE=%t.missing
; RUN: not %opt -load-pass-plugin=%plugin -passes=mapguard -disable-output %s \
; RUN:   -mapguard-allowlist=%S/Inputs/malformed_list.txt 2>&1 | FileCheck %s --check-prefix=MALFORMED
; RUN: not %opt -load-pass-plugin=%plugin -passes=mapguard -disable-output %s \
; RUN:   -mapguard-ignorelist=%S/Inputs/malformed_section.txt 2>&1 | FileCheck %s --check-prefix=SECTION

; MISSING: error: MapGuard: -mapguard-ignorelist: can't open file '[[FILE]]': No such file or directory
; MISSING-NOT: Stack dump
; MALFORMED: error: MapGuard: -mapguard-allowlist: error parsing file '{{.*}}malformed_list.txt': malformed line 3: 'main'
; MALFORMED-NOT: Stack dump
; SECTION: error: MapGuard: -mapguard-ignorelist: error parsing file '{{.*}}malformed_section.txt': malformed section header on line 2: [mapguard
; SECTION-NOT: Stack dump

declare void @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5clearEv(ptr) nounwind

define void @f(ptr %m) {
  call void @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5clearEv(ptr %m)
  ret void
}
