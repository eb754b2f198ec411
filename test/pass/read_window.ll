; A loop whose lookups all go to one map, with no guarded write and nothing
; else that could synchronise with another thread (the rules of the write
; windows, loop_window.ll), is checked once per run instead of at each lookup:
; the key in the map's slot (fast: its slot in the fast table; strict: its
; home slot) is loaded where the loop is entered, at the end of its preheader
; (without one, at the first lookup of each run), and every block the loop
; exits to checks, if the loop looked the map up (a flag in the frame), for a
; write in progress now, in progress then, or begun and ended since (the key
; changed): the runtime's read-window hook gets the snapshot. The lookups
; themselves get no check and no call: they only set the flag.
; Anything that could synchronise, a guarded write, two maps, or a map that
; changes from one iteration to the next keeps one check per lookup; so do
; -mapguard-inline=0 (every lookup calls the runtime) and
; -mapguard-loop-windows=0. begin() (an iteration) keeps its own check.
; RUN: %opt -load-pass-plugin=%plugin -passes='mapguard,verify' -S %s | FileCheck %s
; RUN: %opt -load-pass-plugin=%plugin -passes='mapguard,verify' -mapguard-mode=fast -S %s | FileCheck %s --check-prefix=FAST
; RUN: %opt -load-pass-plugin=%plugin -passes='mapguard,verify' -pass-remarks=mapguard -disable-output %s 2>&1 | FileCheck %s --check-prefix=REMARK
; RUN: %opt -load-pass-plugin=%plugin -passes='mapguard,verify' -mapguard-inline=0 -S %s | FileCheck %s --check-prefix=CALLS --implicit-check-not=mapguard.reads --implicit-check-not=__mapguard_read_window
; RUN: %opt -load-pass-plugin=%plugin -passes='mapguard,verify' -mapguard-loop-windows=0 -S %s | FileCheck %s --check-prefix=OFF --implicit-check-not=mapguard.reads --implicit-check-not=__mapguard_read_window

; std::unordered_map<int, int>::find(int const&) const
declare ptr @_ZNKSt13unordered_mapIiiSt4hashIiESt8equal_toIiESaISt4pairIKiiEEE4findERS5_(ptr, ptr) nounwind
; std::unordered_map<int, int>::count(int const&) const
declare i64 @_ZNKSt13unordered_mapIiiSt4hashIiESt8equal_toIiESaISt4pairIKiiEEE5countERS5_(ptr, ptr) nounwind
; std::unordered_map<int, int>::contains(int const&) const
declare zeroext i1 @_ZNKSt13unordered_mapIiiSt4hashIiESt8equal_toIiESaISt4pairIKiiEEE8containsERS5_(ptr, ptr) nounwind
; std::unordered_map<int, int>::operator[](int const&)
declare ptr @_ZNSt13unordered_mapIiiSt4hashIiESt8equal_toIiESaISt4pairIKiiEEEixERS5_(ptr, ptr)
; std::map<int, int>::find(int const&)
declare ptr @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE4findERS3_(ptr, ptr) nounwind
; std::map<int, int>::begin()
declare ptr @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5beginEv(ptr) nounwind
declare void @log_lookup(i32)

; One window per loop that has one, in program order; the write loop is the
; write window's.
; REMARK: remark: <unknown>:0:0: checked lookups: std::unordered_map<int, int>::find (one check for each run of the loop)
; REMARK-NEXT: remark: <unknown>:0:0: checked lookups: std::unordered_map<int, int>::find (one check for each run of the loop)
; REMARK-NEXT: remark: <unknown>:0:0: checked lookups: std::unordered_map<int, int>::count (one check for each run of the loop)
; REMARK-NEXT: remark: <unknown>:0:0: checked lookups: std::map<int, int>::find (one check for each run of the loop)
; REMARK-NEXT: remark: <unknown>:0:0: checked lookups: std::unordered_map<int, int>::find (one check for each run of the loop)
; REMARK-NEXT: remark: <unknown>:0:0: checked lookups: std::unordered_map<int, int>::find (one check for each run of the loop)
; REMARK-NEXT: remark: <unknown>:0:0: checked lookups: std::map<int, int>::find (one check for each run of the loop)
; REMARK-NEXT: remark: <unknown>:0:0: guarded write: std::unordered_map<int, int>::operator[] (the map comes from the caller; one check for each run of the loop)
; REMARK-NOT:  checked lookups

; A map passed by reference, looked up in a loop with a preheader (here the
; entry block): the snapshot is taken at its end, the lookup only sets the
; flag, and the exit checks the slot against the snapshot.
; CHECK-LABEL: define i32 @sum_find(ptr %m, i32 %n)
; CHECK:       entry:
; CHECK-NEXT:    %[[OPEN:mapguard.reads.open]] = alloca i1
; CHECK-NEXT:    %[[SNAP:mapguard.reads.snapshot]] = alloca i64
; CHECK-NEXT:    %[[MAP:mapguard.reads.map]] = alloca ptr
; CHECK-NEXT:    store i1 false, ptr %[[OPEN]]
; CHECK:         store ptr %m, ptr %[[MAP]]
; CHECK-NEXT:    ptrtoint ptr %m to i64
; CHECK:         %[[SLOT:mapguard.slot]] = getelementptr inbounds [4096 x { [3 x { i64, ptr }], i64, i64 }], ptr @__mapguard_strict_table, i64 0, i64 %mapguard.bucket, i32 0, i64 %mapguard.home
; CHECK-NEXT:    %[[S:mapguard.snapshot]] = load atomic i64, ptr %[[SLOT]] monotonic
; CHECK-NEXT:    store i64 %[[S]], ptr %[[SNAP]]
; CHECK-NEXT:    store i1 false, ptr %[[OPEN]]
; CHECK-NEXT:    br label %loop
; No check in the loop, no call but the lookup.
; CHECK:       loop:
; CHECK-NOT:     call
; CHECK-NOT:     mapguard.reads.first
; CHECK:         store i1 true, ptr %[[OPEN]]
; CHECK-NEXT:    %it = call ptr @_ZNKSt13unordered_mapIiiSt4hashIiESt8equal_toIiESaISt4pairIKiiEEE4findERS5_(ptr %m, ptr %k)
; CHECK-NOT:     call
; The exit: the usual read check (the map's home slot and its bucket's count
; of writes away from home), and also the slot's key against the snapshot.
; CHECK:       exit:
; CHECK-NEXT:    %[[WAS:.*]] = load i1, ptr %[[OPEN]]
; CHECK-NEXT:    br i1 %[[WAS]], label %mapguard.reads.end, label
; CHECK:       mapguard.reads.end:
; CHECK-NEXT:    store i1 false, ptr %[[OPEN]]
; CHECK-DAG:     %[[OLD:[^ ]+]] = load i64, ptr %[[SNAP]]
; CHECK-DAG:     %[[M:[^ ]+]] = load ptr, ptr %[[MAP]]
; CHECK:         ptrtoint ptr %[[M]] to i64
; CHECK:         %mapguard.away = load atomic i64
; CHECK:         %[[KEY:[^ ]+]] = load atomic i64, ptr %mapguard.slot{{[0-9]+}} monotonic
; CHECK:         icmp ne i64 %[[KEY]], %[[OLD]]
; CHECK:         br i1 %{{[^ ]+}}, label %mapguard.read.busy, label
; CHECK:       mapguard.read.busy:
; CHECK-NEXT:    call void @__mapguard_read_window(ptr %[[M]], ptr @{{__mapguard_site[.0-9]*}}, i64 %[[OLD]])
; CHECK-NOT:     call void @__mapguard_read(
; CHECK:         ret i32 %s.next
; Fast mode: the snapshot is the map's slot in the fast table.
; FAST-LABEL:  define i32 @sum_find(ptr %m, i32 %n)
; FAST:          %[[FSLOT:mapguard.slot]] = getelementptr inbounds [16384 x { i64, ptr }], ptr @__mapguard_fast_table, i64 0, i64 %{{[^ ]+}}
; FAST-NEXT:     %[[FS:mapguard.snapshot]] = load atomic i64, ptr %[[FSLOT]] monotonic
; FAST-NEXT:     store i64 %[[FS]], ptr %mapguard.reads.snapshot
; FAST-NEXT:     store i1 false, ptr %mapguard.reads.open
; FAST-NEXT:     br label %loop
; FAST:        loop:
; FAST-NOT:      call
; FAST:          store i1 true, ptr %mapguard.reads.open
; FAST-NEXT:     %it = call ptr @_ZNKSt13unordered_mapIiiSt4hashIiESt8equal_toIiESaISt4pairIKiiEEE4findERS5_(ptr %m, ptr %k)
; FAST-NOT:      call
; FAST:        mapguard.reads.end:
; FAST-DAG:      %[[FOLD:[^ ]+]] = load i64, ptr %mapguard.reads.snapshot
; FAST-DAG:      %[[FM:[^ ]+]] = load ptr, ptr %mapguard.reads.map
; FAST-NOT:      @__mapguard_strict_table
; FAST:          %[[FKEY:[^ ]+]] = load atomic i64, ptr %mapguard.slot{{[0-9]+}} monotonic
; FAST:          icmp ne i64 %[[FKEY]], %[[FOLD]]
; FAST:        mapguard.read.busy:
; FAST-NEXT:     call void @__mapguard_read_window_fast(ptr %[[FM]], ptr @{{__mapguard_site[.0-9]*}}, i64 %[[FOLD]])
; FAST-NOT:      call void @__mapguard_read_fast(
; FAST:          ret i32 %s.next
; -mapguard-inline=0: the runtime sees every lookup.
; CALLS-LABEL: define i32 @sum_find(ptr %m, i32 %n)
; CALLS:       loop:
; CALLS:         call void @__mapguard_read(ptr %m, ptr @{{__mapguard_site[.0-9]*}})
; CALLS-NEXT:    %it = call ptr @_ZNKSt13unordered_mapIiiSt4hashIiESt8equal_toIiESaISt4pairIKiiEEE4findERS5_(ptr %m, ptr %k)
; -mapguard-loop-windows=0: an inline check at every lookup.
; OFF-LABEL:   define i32 @sum_find(ptr %m, i32 %n)
; OFF:         loop:
; OFF:           load atomic i64, ptr %mapguard.slot monotonic
; OFF:         mapguard.read.busy:
; OFF-NEXT:      call void @__mapguard_read(ptr %m, ptr @{{__mapguard_site[.0-9]*}})
; OFF:           %it = call ptr @_ZNKSt13unordered_mapIiiSt4hashIiESt8equal_toIiESaISt4pairIKiiEEE4findERS5_(ptr %m, ptr %k)
define i32 @sum_find(ptr %m, i32 %n) {
entry:
  %k = alloca i32
  br label %loop
loop:
  %i = phi i32 [ 0, %entry ], [ %next, %loop ]
  %s = phi i32 [ 0, %entry ], [ %s.next, %loop ]
  store i32 %i, ptr %k
  %it = call ptr @_ZNKSt13unordered_mapIiiSt4hashIiESt8equal_toIiESaISt4pairIKiiEEE4findERS5_(ptr %m, ptr %k)
  %found = icmp ne ptr %it, null
  %one = zext i1 %found to i32
  %s.next = add i32 %s, %one
  %next = add i32 %i, 1
  %done = icmp eq i32 %next, %n
  br i1 %done, label %exit, label %loop
exit:
  ret i32 %s.next
}

; Three kinds of lookup of one map share the window (its descriptor names the
; first); the snapshot is taken in the preheader, not in the entry block
; before the zero-trip test; each of the two exits checks, with the same
; descriptor.
; CHECK-LABEL: define i1 @any_known(ptr %m, i32 %n)
; CHECK:       entry:
; CHECK-NOT:     mapguard.snapshot
; CHECK:         br i1 %empty, label %none, label %preheader
; CHECK:       preheader:
; CHECK-NEXT:    store ptr %m, ptr %mapguard.reads.map
; CHECK:         %mapguard.snapshot = load atomic i64
; CHECK-NEXT:    store i64 %mapguard.snapshot, ptr %mapguard.reads.snapshot
; CHECK-NEXT:    store i1 false, ptr %mapguard.reads.open
; CHECK-NEXT:    br label %loop
; CHECK:       loop:
; CHECK-NOT:     call void @__mapguard
; CHECK:         store i1 true, ptr %mapguard.reads.open
; CHECK-NEXT:    %it = call ptr @_ZNKSt13unordered_mapIiiSt4hashIiESt8equal_toIiESaISt4pairIKiiEEE4findERS5_(ptr %m, ptr %k)
; CHECK-NEXT:    store i1 true, ptr %mapguard.reads.open
; CHECK-NEXT:    %c = call i64 @_ZNKSt13unordered_mapIiiSt4hashIiESt8equal_toIiESaISt4pairIKiiEEE5countERS5_(ptr %m, ptr %k)
; CHECK-NEXT:    store i1 true, ptr %mapguard.reads.open
; CHECK-NEXT:    %has = call zeroext i1 @_ZNKSt13unordered_mapIiiSt4hashIiESt8equal_toIiESaISt4pairIKiiEEE8containsERS5_(ptr %m, ptr %k)
; CHECK-NOT:     call void @__mapguard
; CHECK:       found:
; CHECK-NEXT:    %[[F:[^ ]+]] = load i1, ptr %mapguard.reads.open
; CHECK-NEXT:    br i1 %[[F]], label %[[END1:mapguard.reads.end[0-9]*]], label
; CHECK:       [[END1]]:
; CHECK:         call void @__mapguard_read_window(ptr %{{[^ ]+}}, ptr @[[SITE:__mapguard_site[.0-9]*]], i64
; CHECK:       none:
; CHECK-NEXT:    %[[N:[^ ]+]] = load i1, ptr %mapguard.reads.open
; CHECK-NEXT:    br i1 %[[N]], label %[[END2:mapguard.reads.end[0-9]*]], label
; CHECK:       [[END2]]:
; CHECK:         call void @__mapguard_read_window(ptr %{{[^ ]+}}, ptr @[[SITE]], i64
; CALLS-LABEL: define i1 @any_known(ptr %m, i32 %n)
; CALLS:         call void @__mapguard_read(ptr %m,
; CALLS-NEXT:    %it = call ptr
; CALLS-NEXT:    call void @__mapguard_read(ptr %m,
; CALLS-NEXT:    %c = call i64
; CALLS-NEXT:    call void @__mapguard_read(ptr %m,
; CALLS-NEXT:    %has = call zeroext i1
; OFF-LABEL:   define i1 @any_known(ptr %m, i32 %n)
; OFF:           call void @__mapguard_read(ptr %m,
; OFF:           %it = call ptr
; OFF:           call void @__mapguard_read(ptr %m,
; OFF:           %c = call i64
; OFF:           call void @__mapguard_read(ptr %m,
; OFF:           %has = call zeroext i1
define i1 @any_known(ptr %m, i32 %n) {
entry:
  %k = alloca i32
  %empty = icmp eq i32 %n, 0
  br i1 %empty, label %none, label %preheader
preheader:
  br label %loop
loop:
  %i = phi i32 [ 0, %preheader ], [ %next, %latch ]
  store i32 %i, ptr %k
  %it = call ptr @_ZNKSt13unordered_mapIiiSt4hashIiESt8equal_toIiESaISt4pairIKiiEEE4findERS5_(ptr %m, ptr %k)
  %c = call i64 @_ZNKSt13unordered_mapIiiSt4hashIiESt8equal_toIiESaISt4pairIKiiEEE5countERS5_(ptr %m, ptr %k)
  %has = call zeroext i1 @_ZNKSt13unordered_mapIiiSt4hashIiESt8equal_toIiESaISt4pairIKiiEEE8containsERS5_(ptr %m, ptr %k)
  br i1 %has, label %found, label %latch
latch:
  %next = add i32 %i, 1
  %done = icmp eq i32 %next, %n
  br i1 %done, label %none, label %loop
found:
  ret i1 true
none:
  ret i1 false
}

; No preheader: the block before the loop branches into it conditionally (a
; rotated loop's zero-trip test). The snapshot is taken at the lookup, the
; first time of each run (the flag is clear), and the exit, also reached
; straight from the entry block, checks only if the loop ran.
; CHECK-LABEL: define i64 @count_guarded_entry(ptr %m, i32 %n)
; CHECK:       entry:
; CHECK-NOT:     mapguard.snapshot
; CHECK:         br i1 %empty, label %exit, label %loop
; CHECK:       loop:
; CHECK:         %[[O1:[^ ]+]] = load i1, ptr %mapguard.reads.open
; CHECK-NEXT:    %[[CLOSED:[^ ]+]] = xor i1 %[[O1]], true
; CHECK-NEXT:    br i1 %[[CLOSED]], label %mapguard.reads.first, label %[[LOOKUP:[^ ]+]], !prof
; CHECK:       mapguard.reads.first:
; CHECK-NEXT:    store ptr %m, ptr %mapguard.reads.map
; CHECK:         %mapguard.slot = getelementptr inbounds [4096 x { [3 x { i64, ptr }], i64, i64 }], ptr @__mapguard_strict_table
; CHECK-NEXT:    %mapguard.snapshot = load atomic i64, ptr %mapguard.slot monotonic
; CHECK-NEXT:    store i64 %mapguard.snapshot, ptr %mapguard.reads.snapshot
; CHECK-NEXT:    store i1 true, ptr %mapguard.reads.open
; CHECK-NEXT:    br label %[[LOOKUP]]
; CHECK:       [[LOOKUP]]:
; CHECK-NEXT:    %c = call i64 @_ZNKSt13unordered_mapIiiSt4hashIiESt8equal_toIiESaISt4pairIKiiEEE5countERS5_(ptr %m, ptr %k)
; CHECK:       exit:
; CHECK:       mapguard.reads.end:
; CHECK:       mapguard.read.busy:
; CHECK-NEXT:    call void @__mapguard_read_window(ptr
; CHECK-NOT:     call void @__mapguard_read(
; CHECK:         ret i64 %r
; FAST-LABEL:  define i64 @count_guarded_entry(ptr %m, i32 %n)
; FAST:        mapguard.reads.first:
; FAST:          %mapguard.slot = getelementptr inbounds [16384 x { i64, ptr }], ptr @__mapguard_fast_table
; FAST-NEXT:     %mapguard.snapshot = load atomic i64, ptr %mapguard.slot monotonic
; FAST:        mapguard.read.busy:
; FAST-NEXT:     call void @__mapguard_read_window_fast(ptr
; CALLS-LABEL: define i64 @count_guarded_entry(ptr %m, i32 %n)
; CALLS:         call void @__mapguard_read(ptr %m,
; CALLS-NEXT:    %c = call i64
; OFF-LABEL:   define i64 @count_guarded_entry(ptr %m, i32 %n)
; OFF:         mapguard.read.busy:
; OFF-NEXT:      call void @__mapguard_read(ptr %m,
define i64 @count_guarded_entry(ptr %m, i32 %n) {
entry:
  %k = alloca i32
  %empty = icmp eq i32 %n, 0
  br i1 %empty, label %exit, label %loop
loop:
  %i = phi i32 [ 0, %entry ], [ %next, %loop ]
  %s = phi i64 [ 0, %entry ], [ %s.next, %loop ]
  store i32 %i, ptr %k
  %c = call i64 @_ZNKSt13unordered_mapIiiSt4hashIiESt8equal_toIiESaISt4pairIKiiEEE5countERS5_(ptr %m, ptr %k)
  %s.next = add i64 %s, %c
  %next = add i32 %i, 1
  %done = icmp eq i32 %next, %n
  br i1 %done, label %exit, label %loop
exit:
  %r = phi i64 [ 0, %entry ], [ %s.next, %loop ]
  ret i64 %r
}

; No preheader either: the loop is entered from two blocks.
; CHECK-LABEL: define void @find_two_entries(ptr %m, i1 %odd, i32 %n)
; CHECK:       from.odd:
; CHECK-NEXT:    br label %loop
; CHECK:       from.even:
; CHECK-NEXT:    br label %loop
; CHECK:       loop:
; CHECK:         br i1 %{{[^ ]+}}, label %mapguard.reads.first, label
; CHECK:       mapguard.reads.first:
; CHECK:         %mapguard.snapshot = load atomic i64
; CHECK:         %it = call ptr @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE4findERS3_(ptr %m, ptr %k)
; CHECK:       mapguard.read.busy:
; CHECK-NEXT:    call void @__mapguard_read_window(ptr
define void @find_two_entries(ptr %m, i1 %odd, i32 %n) {
entry:
  %k = alloca i32
  br i1 %odd, label %from.odd, label %from.even
from.odd:
  br label %loop
from.even:
  br label %loop
loop:
  %i = phi i32 [ 1, %from.odd ], [ 0, %from.even ], [ %next, %loop ]
  store i32 %i, ptr %k
  %it = call ptr @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE4findERS3_(ptr %m, ptr %k)
  %next = add i32 %i, 2
  %done = icmp sge i32 %next, %n
  br i1 %done, label %exit, label %loop
exit:
  ret void
}

; Before SROA the map pointer is reloaded from its slot every iteration: the
; same map, since the loop never stores to the slot. The preheader loads it
; again for the snapshot, and the exit uses the pointer kept in the frame
; (the loop's own load does not reach it).
; CHECK-LABEL: define void @find_through_slot(ptr %map, i32 %n)
; CHECK:         %[[PRE:p.mapguard]] = load ptr, ptr %map.addr
; CHECK-NEXT:    store ptr %[[PRE]], ptr %mapguard.reads.map
; CHECK-NEXT:    ptrtoint ptr %[[PRE]] to i64
; CHECK:         %mapguard.snapshot = load atomic i64
; CHECK:         br label %loop
; CHECK:       loop:
; CHECK:         %p = load ptr, ptr %map.addr
; CHECK-NEXT:    store i1 true, ptr %mapguard.reads.open
; CHECK-NEXT:    %it = call ptr @_ZNKSt13unordered_mapIiiSt4hashIiESt8equal_toIiESaISt4pairIKiiEEE4findERS5_(ptr %p, ptr %k)
; CHECK:       mapguard.reads.end:
; CHECK:         %[[SLOTMAP:[^ ]+]] = load ptr, ptr %mapguard.reads.map
; CHECK:       mapguard.read.busy:
; CHECK-NEXT:    call void @__mapguard_read_window(ptr %[[SLOTMAP]],
define void @find_through_slot(ptr %map, i32 %n) {
entry:
  %map.addr = alloca ptr
  %k = alloca i32
  store ptr %map, ptr %map.addr
  br label %loop
loop:
  %i = phi i32 [ 0, %entry ], [ %next, %loop ]
  %p = load ptr, ptr %map.addr
  %it = call ptr @_ZNKSt13unordered_mapIiiSt4hashIiESt8equal_toIiESaISt4pairIKiiEEE4findERS5_(ptr %p, ptr %k)
  %next = add i32 %i, 1
  %done = icmp eq i32 %next, %n
  br i1 %done, label %exit, label %loop
exit:
  ret void
}

; A relaxed atomic load orders nothing: the window stands.
; CHECK-LABEL: define void @find_relaxed_atomic(
; CHECK:         %mapguard.snapshot = load atomic i64
; CHECK:       loop:
; CHECK:         store i1 true, ptr %mapguard.reads.open
; CHECK-NEXT:    %it = call ptr
; CHECK:       mapguard.read.busy:
; CHECK-NEXT:    call void @__mapguard_read_window(ptr
define void @find_relaxed_atomic(ptr %m, ptr %flag, i32 %n) {
entry:
  %k = alloca i32
  br label %loop
loop:
  %i = phi i32 [ 0, %entry ], [ %next, %loop ]
  %f = load atomic i32, ptr %flag monotonic, align 4
  %it = call ptr @_ZNKSt13unordered_mapIiiSt4hashIiESt8equal_toIiESaISt4pairIKiiEEE4findERS5_(ptr %m, ptr %k)
  %next = add i32 %i, 1
  %done = icmp eq i32 %next, %n
  br i1 %done, label %exit, label %loop
exit:
  ret void
}

; begin() is no lookup: the find is the window's, the iteration keeps its
; own check in the loop.
; CHECK-LABEL: define void @find_and_begin(
; CHECK:         %mapguard.snapshot = load atomic i64
; CHECK:       loop:
; CHECK:         store i1 true, ptr %mapguard.reads.open
; CHECK-NEXT:    %it = call ptr @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE4findERS3_(ptr %m, ptr %k)
; CHECK:       mapguard.read.busy{{[0-9]+}}:
; CHECK-NEXT:    call void @__mapguard_iterate(ptr %m,
; CHECK:         %b = call ptr @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5beginEv(ptr %m)
; CHECK:       mapguard.read.busy:
; CHECK-NEXT:    call void @__mapguard_read_window(ptr
; CHECK-NOT:     call void @__mapguard_read(
; FAST-LABEL:  define void @find_and_begin(
; FAST:          call void @__mapguard_iterate_fast(ptr %m,
; FAST-NEXT:     br label
; FAST:          %b = call ptr
; FAST:          call void @__mapguard_read_window_fast(ptr
define void @find_and_begin(ptr %m, i32 %n) {
entry:
  %k = alloca i32
  br label %loop
loop:
  %i = phi i32 [ 0, %entry ], [ %next, %loop ]
  %it = call ptr @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE4findERS3_(ptr %m, ptr %k)
  %b = call ptr @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5beginEv(ptr %m)
  %next = add i32 %i, 1
  %done = icmp eq i32 %next, %n
  br i1 %done, label %exit, label %loop
exit:
  ret void
}

; Each of these keeps one check per lookup, in the loop.
; The loop also writes the map (its write window is loop_window.ll's).
; CHECK-LABEL: define void @find_and_write(
; CHECK-NOT:     mapguard.reads
; CHECK:       loop:
; CHECK:       mapguard.read.busy:
; CHECK-NEXT:    call void @__mapguard_read(ptr %m,
; CHECK:         %it = call ptr @_ZNKSt13unordered_mapIiiSt4hashIiESt8equal_toIiESaISt4pairIKiiEEE4findERS5_(ptr %m, ptr %k)
; CHECK:       mapguard.loop.begin:
; CHECK:         invoke ptr @_ZNSt13unordered_mapIiiSt4hashIiESt8equal_toIiESaISt4pairIKiiEEEixERS5_(ptr %m, ptr %k)
; CHECK-NOT:     mapguard.reads
; CHECK-NOT:     call void @__mapguard_read_window
define void @find_and_write(ptr %m, i32 %n) {
entry:
  %k = alloca i32
  br label %loop
loop:
  %i = phi i32 [ 0, %entry ], [ %next, %loop ]
  %it = call ptr @_ZNKSt13unordered_mapIiiSt4hashIiESt8equal_toIiESaISt4pairIKiiEEE4findERS5_(ptr %m, ptr %k)
  %r = call ptr @_ZNSt13unordered_mapIiiSt4hashIiESt8equal_toIiESaISt4pairIKiiEEEixERS5_(ptr %m, ptr %k)
  %next = add i32 %i, 1
  %done = icmp eq i32 %next, %n
  br i1 %done, label %exit, label %loop
exit:
  ret void
}

; Two maps.
; CHECK-LABEL: define void @find_two_maps(
; CHECK-NOT:     mapguard.reads
; CHECK:       mapguard.read.busy:
; CHECK-NEXT:    call void @__mapguard_read(ptr %a,
; CHECK:         %ia = call ptr
; CHECK:       mapguard.read.busy{{[0-9]+}}:
; CHECK-NEXT:    call void @__mapguard_read(ptr %b,
; CHECK:         %ib = call ptr
; CHECK-NOT:     mapguard.reads
; CHECK-NOT:     call void @__mapguard_read_window
define void @find_two_maps(ptr %a, ptr %b, i32 %n) {
entry:
  %k = alloca i32
  br label %loop
loop:
  %i = phi i32 [ 0, %entry ], [ %next, %loop ]
  %ia = call ptr @_ZNKSt13unordered_mapIiiSt4hashIiESt8equal_toIiESaISt4pairIKiiEEE4findERS5_(ptr %a, ptr %k)
  %ib = call ptr @_ZNKSt13unordered_mapIiiSt4hashIiESt8equal_toIiESaISt4pairIKiiEEE4findERS5_(ptr %b, ptr %k)
  %next = add i32 %i, 1
  %done = icmp eq i32 %next, %n
  br i1 %done, label %exit, label %loop
exit:
  ret void
}

; A call to a function whose body is unknown (it could take a lock).
; CHECK-LABEL: define void @find_unknown_call(
; CHECK-NOT:     mapguard.reads
; CHECK:       mapguard.read.busy:
; CHECK-NEXT:    call void @__mapguard_read(ptr %m,
; CHECK:         %it = call ptr
; CHECK-NEXT:    call void @log_lookup(i32 %i)
; CHECK-NOT:     mapguard.reads
; CHECK-NOT:     call void @__mapguard_read_window
define void @find_unknown_call(ptr %m, i32 %n) {
entry:
  %k = alloca i32
  br label %loop
loop:
  %i = phi i32 [ 0, %entry ], [ %next, %loop ]
  %it = call ptr @_ZNKSt13unordered_mapIiiSt4hashIiESt8equal_toIiESaISt4pairIKiiEEE4findERS5_(ptr %m, ptr %k)
  call void @log_lookup(i32 %i)
  %next = add i32 %i, 1
  %done = icmp eq i32 %next, %n
  br i1 %done, label %exit, label %loop
exit:
  ret void
}

; An acquire load (a flag another thread may have released).
; CHECK-LABEL: define void @find_acquire_load(
; CHECK-NOT:     mapguard.reads
; CHECK:         %f = load atomic i32, ptr %flag acquire
; CHECK:       mapguard.read.busy:
; CHECK-NEXT:    call void @__mapguard_read(ptr %m,
; CHECK:         %it = call ptr
; CHECK-NOT:     mapguard.reads
; CHECK-NOT:     call void @__mapguard_read_window
define void @find_acquire_load(ptr %m, ptr %flag, i32 %n) {
entry:
  %k = alloca i32
  br label %loop
loop:
  %i = phi i32 [ 0, %entry ], [ %next, %loop ]
  %f = load atomic i32, ptr %flag acquire, align 4
  %it = call ptr @_ZNKSt13unordered_mapIiiSt4hashIiESt8equal_toIiESaISt4pairIKiiEEE4findERS5_(ptr %m, ptr %k)
  %next = add i32 %i, 1
  %done = icmp eq i32 %next, %n
  br i1 %done, label %exit, label %loop
exit:
  ret void
}

; A seq_cst atomic load.
; CHECK-LABEL: define void @find_seq_cst_load(
; CHECK-NOT:     mapguard.reads
; CHECK:       mapguard.read.busy:
; CHECK-NEXT:    call void @__mapguard_read(ptr %m,
; CHECK:         %it = call ptr
; CHECK-NOT:     mapguard.reads
; CHECK-NOT:     call void @__mapguard_read_window
define void @find_seq_cst_load(ptr %m, ptr %flag, i32 %n) {
entry:
  %k = alloca i32
  br label %loop
loop:
  %i = phi i32 [ 0, %entry ], [ %next, %loop ]
  %it = call ptr @_ZNKSt13unordered_mapIiiSt4hashIiESt8equal_toIiESaISt4pairIKiiEEE4findERS5_(ptr %m, ptr %k)
  %f = load atomic i32, ptr %flag seq_cst, align 4
  %next = add i32 %i, 1
  %done = icmp eq i32 %next, %n
  br i1 %done, label %exit, label %loop
exit:
  ret void
}

; A fence.
; CHECK-LABEL: define void @find_fence(
; CHECK-NOT:     mapguard.reads
; CHECK:       mapguard.read.busy:
; CHECK-NEXT:    call void @__mapguard_read(ptr %m,
; CHECK:         %it = call ptr
; CHECK-NEXT:    fence seq_cst
; CHECK-NOT:     mapguard.reads
; CHECK-NOT:     call void @__mapguard_read_window
define void @find_fence(ptr %m, i32 %n) {
entry:
  %k = alloca i32
  br label %loop
loop:
  %i = phi i32 [ 0, %entry ], [ %next, %loop ]
  %it = call ptr @_ZNKSt13unordered_mapIiiSt4hashIiESt8equal_toIiESaISt4pairIKiiEEE4findERS5_(ptr %m, ptr %k)
  fence seq_cst
  %next = add i32 %i, 1
  %done = icmp eq i32 %next, %n
  br i1 %done, label %exit, label %loop
exit:
  ret void
}

; A map that changes between iterations (an array of maps).
; CHECK-LABEL: define void @find_each_map(
; CHECK-NOT:     mapguard.reads
; CHECK:         %each = getelementptr [56 x i8], ptr %maps, i32 %i
; CHECK:       mapguard.read.busy:
; CHECK-NEXT:    call void @__mapguard_read(ptr %each,
; CHECK:         %it = call ptr
; CHECK-NOT:     mapguard.reads
; CHECK-NOT:     call void @__mapguard_read_window
define void @find_each_map(ptr %maps, i32 %n) {
entry:
  %k = alloca i32
  br label %loop
loop:
  %i = phi i32 [ 0, %entry ], [ %next, %loop ]
  %each = getelementptr [56 x i8], ptr %maps, i32 %i
  %it = call ptr @_ZNKSt13unordered_mapIiiSt4hashIiESt8equal_toIiESaISt4pairIKiiEEE4findERS5_(ptr %each, ptr %k)
  %next = add i32 %i, 1
  %done = icmp eq i32 %next, %n
  br i1 %done, label %exit, label %loop
exit:
  ret void
}
