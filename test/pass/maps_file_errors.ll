; A maps file that is missing or malformed is a compiler error naming the
; file, the line and the problem; never a crash, and nothing is built.
; RUN: not %opt -load-pass-plugin=%plugin -passes=mapguard -mapguard-maps=%S/Inputs/no_such.maps -disable-output %s 2>&1 | FileCheck %s --check-prefix=MISSING
; RUN: not %opt -load-pass-plugin=%plugin -passes=mapguard -mapguard-maps=%S/Inputs/bad_section.maps -disable-output %s 2>&1 | FileCheck %s --check-prefix=SECTION
; RUN: not %opt -load-pass-plugin=%plugin -passes=mapguard -mapguard-maps=%S/Inputs/bad_entry.maps -disable-output %s 2>&1 | FileCheck %s --check-prefix=ENTRY
; RUN: not %opt -load-pass-plugin=%plugin -passes=mapguard -mapguard-maps=%S/Inputs/bad_no_section.maps -disable-output %s 2>&1 | FileCheck %s --check-prefix=NOSECTION
; RUN: not %opt -load-pass-plugin=%plugin -passes=mapguard -mapguard-maps=%S/Inputs/bad_arg.maps -disable-output %s 2>&1 | FileCheck %s --check-prefix=ARG
; RUN: not %opt -load-pass-plugin=%plugin -passes=mapguard -mapguard-maps=%S/Inputs/bad_glob.maps -disable-output %s 2>&1 | FileCheck %s --check-prefix=GLOB
; RUN: not %opt -load-pass-plugin=%plugin -passes=mapguard -mapguard-maps=%S/Inputs/bad_map_name.maps -disable-output %s 2>&1 | FileCheck %s --check-prefix=MAPNAME
; RUN: not %opt -load-pass-plugin=%plugin -passes=mapguard -mapguard-maps=%S/Inputs/bad_line.maps -disable-output %s 2>&1 | FileCheck %s --check-prefix=LINE
; A good file after a bad one does not hide the error.
; RUN: not %opt -load-pass-plugin=%plugin -passes=mapguard -mapguard-maps=%S/Inputs/kv.maps -mapguard-maps=%S/Inputs/bad_arg.maps -disable-output %s 2>&1 | FileCheck %s --check-prefix=ARG

; MISSING: error: MapGuard: -mapguard-maps: cannot read '{{.*}}no_such.maps': No such file or directory
; SECTION: error: MapGuard: -mapguard-maps: {{.*}}bad_section.maps:3: unknown section '[writes]' (expected [write], [read] or [iterate])
; ENTRY: error: MapGuard: -mapguard-maps: {{.*}}bad_entry.maps:3: unknown entry 'src:' (expected fun:GLOB[=argN] or map:NAME)
; NOSECTION: error: MapGuard: -mapguard-maps: {{.*}}bad_no_section.maps:1: fun: entry before any [write], [read] or [iterate] section
; ARG: error: MapGuard: -mapguard-maps: {{.*}}bad_arg.maps:2: malformed argument '=second' (expected =arg0 to =arg15)
; GLOB: error: MapGuard: -mapguard-maps: {{.*}}bad_glob.maps:2: bad glob 'kv_[put': invalid glob pattern{{.*}}
; MAPNAME: error: MapGuard: -mapguard-maps: {{.*}}bad_map_name.maps:2: map: needs a name
; LINE: error: MapGuard: -mapguard-maps: {{.*}}bad_line.maps:2: malformed line 'kv_put' (expected fun:GLOB[=argN] or map:NAME)

declare void @kv_put(ptr, i32, i32)

define void @f(ptr %t) nounwind {
  call void @kv_put(ptr %t, i32 1, i32 2)
  ret void
}
