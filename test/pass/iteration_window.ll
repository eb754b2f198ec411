; An iteration over a map (begin(), or cbegin(), in the preheader of the loop
; that walks the iterator, as clang emits a range-for) whose loop has no
; guarded write and nothing that could synchronise (the rules of the read
; windows, read_window.ll; std::map's iterator calls libstdc++'s
; std::_Rb_tree_increment, container code, and a const one's operator* has a
; std::terminate handler, which synchronises nothing), with nothing after
; begin() in its block that could synchronise or throw, is checked again
; where the loop ends: just before begin() the map's pointer and the key in
; its slot (fast: its slot in the fast table; strict: its home slot) are
; stored in the frame and the window is marked open; begin() keeps its own
; check; every block the loop exits to checks, if the window is open, for a
; write in progress now, or begun since begin() (the key changed): the
; runtime's iteration-window hook gets the snapshot. The loop has no hook.
; Anything that could synchronise in the loop (an unknown call, a fence, an
; acquire load), a write to the map in the loop, a call that could synchronise
; or throw between begin() and the loop, or a begin() that is not in the
; loop's preheader keeps only begin()'s own check; so do -mapguard-inline=0
; and -mapguard-loop-windows=0. Lookups in the loop are not the iteration
; window's: they keep their own checks (a read window's, if the loop is one).
; RUN: %opt -load-pass-plugin=%plugin -passes='mapguard,verify' -S %s | FileCheck %s
; RUN: %opt -load-pass-plugin=%plugin -passes='mapguard,verify' -mapguard-mode=fast -S %s | FileCheck %s --check-prefix=FAST
; RUN: %opt -load-pass-plugin=%plugin -passes='mapguard,verify' -pass-remarks=mapguard -disable-output %s 2>&1 | FileCheck %s --check-prefix=REMARK
; RUN: %opt -load-pass-plugin=%plugin -passes='mapguard,verify' -mapguard-inline=0 -S %s | FileCheck %s --check-prefix=CALLS --implicit-check-not=mapguard.reads --implicit-check-not=__mapguard_iterate_window --implicit-check-not=__mapguard_read_window
; RUN: %opt -load-pass-plugin=%plugin -passes='mapguard,verify' -mapguard-loop-windows=0 -S %s | FileCheck %s --check-prefix=OFF --implicit-check-not=mapguard.reads --implicit-check-not=__mapguard_iterate_window --implicit-check-not=__mapguard_read_window

; std::unordered_map<int, int>::begin(), end()
declare ptr @_ZNSt13unordered_mapIiiSt4hashIiESt8equal_toIiESaISt4pairIKiiEEE5beginEv(ptr) nounwind
declare ptr @_ZNSt13unordered_mapIiiSt4hashIiESt8equal_toIiESaISt4pairIKiiEEE3endEv(ptr) nounwind
; std::unordered_map<int, int>::cbegin() const, cend() const
declare ptr @_ZNKSt13unordered_mapIiiSt4hashIiESt8equal_toIiESaISt4pairIKiiEEE6cbeginEv(ptr) nounwind
declare ptr @_ZNKSt13unordered_mapIiiSt4hashIiESt8equal_toIiESaISt4pairIKiiEEE4cendEv(ptr) nounwind
; std::unordered_map<int, int>::find(int const&) const
declare ptr @_ZNKSt13unordered_mapIiiSt4hashIiESt8equal_toIiESaISt4pairIKiiEEE4findERS5_(ptr, ptr) nounwind
; std::unordered_map<int, int>::operator[](int const&)
declare ptr @_ZNSt13unordered_mapIiiSt4hashIiESt8equal_toIiESaISt4pairIKiiEEEixERS5_(ptr, ptr)
; std::__detail::_Node_iterator<std::pair<int const, int>, false, false>::
; operator*() const and operator++(); _Node_const_iterator's operator->()
; const and operator++() (members of std::__detail::_*: container code)
declare ptr @_ZNKSt8__detail14_Node_iteratorISt4pairIKiiELb0ELb0EEdeEv(ptr) nounwind
declare ptr @_ZNSt8__detail14_Node_iteratorISt4pairIKiiELb0ELb0EEppEv(ptr) nounwind
declare ptr @_ZNKSt8__detail20_Node_const_iteratorISt4pairIKiiELb0ELb0EEptEv(ptr) nounwind
declare ptr @_ZNSt8__detail20_Node_const_iteratorISt4pairIKiiELb0ELb0EEppEv(ptr) nounwind
; std::map<int, int>::begin(), end()
declare ptr @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5beginEv(ptr) nounwind
declare ptr @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE3endEv(ptr) nounwind
; std::map<int, int>::begin() const, end() const
declare ptr @_ZNKSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5beginEv(ptr) nounwind
declare ptr @_ZNKSt3mapIiiSt4lessIiESaISt4pairIKiiEEE3endEv(ptr) nounwind
; std::map<int, int>::erase[abi:cxx11](std::_Rb_tree_iterator<std::pair<int const, int>>)
declare ptr @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5eraseB5cxx11ESt17_Rb_tree_iteratorIS4_E(ptr, ptr)
; std::_Rb_tree_increment(std::_Rb_tree_node_base*): compiled into
; libstdc++.so (not nosync: only its name says it is container code)
declare ptr @_ZSt18_Rb_tree_incrementPSt18_Rb_tree_node_base(ptr) nounwind willreturn memory(read)
declare ptr @_ZSt18_Rb_tree_incrementPKSt18_Rb_tree_node_base(ptr) nounwind willreturn memory(read)
declare i32 @__gxx_personality_v0(...)
declare ptr @__cxa_begin_catch(ptr)
declare void @_ZSt9terminatev() noreturn nounwind
declare void @log_entry(i32)

; The iterators' functions that clang emits in the module (bodies reduced from
; clang++ -O1 -Xclang -disable-llvm-passes): the pass reads them.
; std::operator!=(std::_Rb_tree_iterator<std::pair<int const, int>> const&, same)
define linkonce_odr zeroext i1 @_ZStneRKSt17_Rb_tree_iteratorISt4pairIKiiEES5_(ptr %a, ptr %b) nounwind {
  %na = load ptr, ptr %a
  %nb = load ptr, ptr %b
  %ne = icmp ne ptr %na, %nb
  ret i1 %ne
}
; std::_Rb_tree_iterator<std::pair<int const, int>>::operator*() const
define linkonce_odr ptr @_ZNKSt17_Rb_tree_iteratorISt4pairIKiiEEdeEv(ptr %it) nounwind {
  %node = load ptr, ptr %it
  %value = getelementptr inbounds i8, ptr %node, i64 32
  ret ptr %value
}
; std::_Rb_tree_iterator<std::pair<int const, int>>::operator++()
define linkonce_odr ptr @_ZNSt17_Rb_tree_iteratorISt4pairIKiiEEppEv(ptr %it) nounwind {
  %node = load ptr, ptr %it
  %next = call ptr @_ZSt18_Rb_tree_incrementPSt18_Rb_tree_node_base(ptr %node)
  store ptr %next, ptr %it
  ret ptr %it
}
; The same for std::_Rb_tree_const_iterator<std::pair<int const, int>>, whose
; operator* (noexcept) calls _Rb_tree_node::_M_valptr() (not noexcept) with a
; handler that calls std::terminate.
define linkonce_odr zeroext i1 @_ZStneRKSt23_Rb_tree_const_iteratorISt4pairIKiiEES5_(ptr %a, ptr %b) nounwind {
  %na = load ptr, ptr %a
  %nb = load ptr, ptr %b
  %ne = icmp ne ptr %na, %nb
  ret i1 %ne
}
define linkonce_odr ptr @_ZNKSt23_Rb_tree_const_iteratorISt4pairIKiiEEdeEv(ptr %it) nounwind personality ptr @__gxx_personality_v0 {
  %node = load ptr, ptr %it
  %value = invoke ptr @_ZNKSt13_Rb_tree_nodeISt4pairIKiiEE9_M_valptrEv(ptr %node)
          to label %ok unwind label %terminate
ok:
  ret ptr %value
terminate:
  %lp = landingpad { ptr, i32 }
          catch ptr null
  %exn = extractvalue { ptr, i32 } %lp, 0
  call void @__clang_call_terminate(ptr %exn)
  unreachable
}
define linkonce_odr ptr @_ZNSt23_Rb_tree_const_iteratorISt4pairIKiiEEppEv(ptr %it) nounwind {
  %node = load ptr, ptr %it
  %next = call ptr @_ZSt18_Rb_tree_incrementPKSt18_Rb_tree_node_base(ptr %node)
  store ptr %next, ptr %it
  ret ptr %it
}
; std::_Rb_tree_node<std::pair<int const, int>>::_M_valptr() const
define linkonce_odr ptr @_ZNKSt13_Rb_tree_nodeISt4pairIKiiEE9_M_valptrEv(ptr %node) {
  %value = getelementptr inbounds i8, ptr %node, i64 32
  ret ptr %value
}
define linkonce_odr hidden void @__clang_call_terminate(ptr %exn) noreturn nounwind {
  %caught = call ptr @__cxa_begin_catch(ptr %exn)
  call void @_ZSt9terminatev()
  unreachable
}
; std::__detail::operator!=(std::__detail::_Node_iterator_base<std::pair<int
; const, int>, false> const&, same) (not a member of a std::__detail::_ class)
define linkonce_odr zeroext i1 @_ZNSt8__detailneERKNS_19_Node_iterator_baseISt4pairIKiiELb0EEES6_(ptr %a, ptr %b) nounwind {
  %na = load ptr, ptr %a
  %nb = load ptr, ptr %b
  %ne = icmp ne ptr %na, %nb
  ret i1 %ne
}
; Follows no lock, but may throw.
define void @may_throw() {
  ret void
}

; One window per iteration that has one, in program order; the loop that also
; looks the map up is a read window too.
; REMARK: remark: iteration.cpp:5:19: checked iteration: std::map<int, int>::begin (checked again where the loop at line 5 ends)
; REMARK-NEXT: remark: <unknown>:0:0: checked iteration: std::map<int, int>::begin (checked again where the loop ends)
; REMARK-NEXT: remark: <unknown>:0:0: checked iteration: std::unordered_map<int, int>::begin (checked again where the loop ends)
; REMARK-NEXT: remark: <unknown>:0:0: checked iteration: std::unordered_map<int, int>::cbegin (checked again where the loop ends)
; REMARK-NEXT: remark: <unknown>:0:0: checked iteration: std::map<int, int>::begin (checked again where the loop ends)
; REMARK-NEXT: remark: <unknown>:0:0: checked iteration: std::unordered_map<int, int>::begin (checked again where the loop ends)
; REMARK-NEXT: remark: <unknown>:0:0: checked iteration: std::unordered_map<int, int>::begin (checked again where the loop ends)
; REMARK-NEXT: remark: <unknown>:0:0: checked iteration: std::unordered_map<int, int>::begin (checked again where the loop ends)
; REMARK-NEXT: remark: <unknown>:0:0: checked lookups: std::unordered_map<int, int>::find (one check for each run of the loop)
; REMARK-NEXT: remark: <unknown>:0:0: checked iteration: std::unordered_map<int, int>::begin (checked again where the loop ends)
; REMARK-NOT:  checked iteration
; REMARK-NOT:  checked lookups

; `for (auto &kv : m) s += kv.second;` over a std::map passed by reference:
; the window opens just before begin(), which keeps its own check; the loop
; (!=, *, ++, the last calling std::_Rb_tree_increment) has no hook; its exit
; checks the slot against the snapshot.
; CHECK-LABEL: define i32 @sum_map(ptr %m)
; CHECK:       entry:
; CHECK-NEXT:    %[[OPEN:mapguard.reads.open]] = alloca i1
; CHECK-NEXT:    %[[SNAP:mapguard.reads.snapshot]] = alloca i64
; CHECK-NEXT:    %[[MAP:mapguard.reads.map]] = alloca ptr
; CHECK-NEXT:    store i1 false, ptr %[[OPEN]]
; CHECK-NEXT:    store i64 0, ptr %[[SNAP]]
; CHECK:         %it = alloca ptr
; CHECK:         store ptr %m, ptr %[[MAP]]
; CHECK-NEXT:    ptrtoint ptr %m to i64
; CHECK:         %[[SLOT:mapguard.slot]] = getelementptr inbounds [4096 x { [3 x { i64, ptr }], i64, i64 }], ptr @__mapguard_strict_table, i64 0, i64 %mapguard.bucket, i32 0, i64 %mapguard.home
; CHECK-NEXT:    %[[S:mapguard.snapshot]] = load atomic i64, ptr %[[SLOT]] monotonic
; CHECK-NEXT:    store i64 %[[S]], ptr %[[SNAP]]
; CHECK-NEXT:    store i1 true, ptr %[[OPEN]]
; Then begin()'s own check, as for any iteration.
; CHECK-NOT:     call void
; CHECK:       mapguard.read.busy{{[0-9]+}}:
; CHECK-NEXT:    call void @__mapguard_iterate(ptr %m, ptr @{{__mapguard_site[.0-9]*}})
; CHECK-NOT:     call void
; CHECK:         %b = call ptr @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5beginEv(ptr %m)
; CHECK-NEXT:    store ptr %b, ptr %it
; CHECK-NEXT:    %e = call ptr @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE3endEv(ptr %m)
; CHECK-NEXT:    store ptr %e, ptr %end
; CHECK-NEXT:    br label %cond
; CHECK:       cond:
; CHECK-NOT:     mapguard
; CHECK:         %inc = call ptr @_ZNSt17_Rb_tree_iteratorISt4pairIKiiEEppEv(ptr %it)
; CHECK-NEXT:    br label %cond
; The exit: the usual read check, and the slot's key against the snapshot.
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
; CHECK-NEXT:    call void @__mapguard_iterate_window(ptr %[[M]], ptr @{{__mapguard_site[.0-9]*}}, i64 %[[OLD]])
; CHECK-NOT:     call void @__mapguard
; CHECK:         ret i32 %s
; Fast mode: the snapshot is the map's slot in the fast table.
; FAST-LABEL:  define i32 @sum_map(ptr %m)
; FAST:          store ptr %m, ptr %mapguard.reads.map
; FAST:          %[[FSLOT:mapguard.slot]] = getelementptr inbounds [16384 x { i64, ptr }], ptr @__mapguard_fast_table, i64 0, i64 %{{[^ ]+}}
; FAST-NEXT:     %[[FS:mapguard.snapshot]] = load atomic i64, ptr %[[FSLOT]] monotonic
; FAST-NEXT:     store i64 %[[FS]], ptr %mapguard.reads.snapshot
; FAST-NEXT:     store i1 true, ptr %mapguard.reads.open
; FAST-NOT:      call void
; FAST:        mapguard.read.busy{{[0-9]+}}:
; FAST-NEXT:     call void @__mapguard_iterate_fast(ptr %m, ptr @{{__mapguard_site[.0-9]*}})
; FAST-NOT:      call void
; FAST:          %b = call ptr @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5beginEv(ptr %m)
; FAST:        cond:
; FAST-NOT:      mapguard
; FAST:        exit:
; FAST-NEXT:     %[[FWAS:.*]] = load i1, ptr %mapguard.reads.open
; FAST-NEXT:     br i1 %[[FWAS]], label %mapguard.reads.end, label
; FAST:        mapguard.reads.end:
; FAST-DAG:      %[[FOLD:[^ ]+]] = load i64, ptr %mapguard.reads.snapshot
; FAST-DAG:      %[[FM:[^ ]+]] = load ptr, ptr %mapguard.reads.map
; FAST-NOT:      @__mapguard_strict_table
; FAST:          %[[FKEY:[^ ]+]] = load atomic i64, ptr %mapguard.slot{{[0-9]+}} monotonic
; FAST:          icmp ne i64 %[[FKEY]], %[[FOLD]]
; FAST:        mapguard.read.busy:
; FAST-NEXT:     call void @__mapguard_iterate_window_fast(ptr %[[FM]], ptr @{{__mapguard_site[.0-9]*}}, i64 %[[FOLD]])
; FAST-NOT:      call void @__mapguard
; FAST:          ret i32 %s
; -mapguard-inline=0: begin() calls the runtime, and nothing else does.
; CALLS-LABEL: define i32 @sum_map(ptr %m)
; CALLS:         call void @__mapguard_iterate(ptr %m, ptr @{{__mapguard_site[.0-9]*}})
; CALLS-NEXT:    %b = call ptr @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5beginEv(ptr %m)
; CALLS-NOT:     call void @__mapguard
; CALLS:         ret i32 %s
; -mapguard-loop-windows=0: begin()'s inline check only.
; OFF-LABEL:   define i32 @sum_map(ptr %m)
; OFF:         mapguard.read.busy:
; OFF-NEXT:      call void @__mapguard_iterate(ptr %m, ptr @{{__mapguard_site[.0-9]*}})
; OFF:           %b = call ptr @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5beginEv(ptr %m)
; OFF-NOT:       call void @__mapguard
; OFF:           ret i32 %s
define i32 @sum_map(ptr %m) !dbg !3 {
entry:
  %it = alloca ptr
  %end = alloca ptr
  %b = call ptr @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5beginEv(ptr %m), !dbg !5
  store ptr %b, ptr %it
  %e = call ptr @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE3endEv(ptr %m), !dbg !5
  store ptr %e, ptr %end
  br label %cond, !dbg !6
cond:
  %s = phi i32 [ 0, %entry ], [ %s.next, %body ]
  %more = call zeroext i1 @_ZStneRKSt17_Rb_tree_iteratorISt4pairIKiiEES5_(ptr %it, ptr %end), !dbg !6
  br i1 %more, label %body, label %exit, !dbg !6
body:
  %kv = call ptr @_ZNKSt17_Rb_tree_iteratorISt4pairIKiiEEdeEv(ptr %it), !dbg !6
  %vp = getelementptr inbounds i8, ptr %kv, i64 4
  %v = load i32, ptr %vp
  %s.next = add nsw i32 %s, %v
  %inc = call ptr @_ZNSt17_Rb_tree_iteratorISt4pairIKiiEEppEv(ptr %it), !dbg !6
  br label %cond, !dbg !6
exit:
  ret i32 %s
}

; The same over a const std::map, whose iterator's operator* has a handler
; that calls std::terminate (which ends the program: no synchronisation).
; CHECK-LABEL: define i32 @sum_const_map(ptr %m)
; CHECK:         store ptr %m, ptr %mapguard.reads.map
; CHECK:         %mapguard.snapshot = load atomic i64, ptr %mapguard.slot monotonic
; CHECK-NEXT:    store i64 %mapguard.snapshot, ptr %mapguard.reads.snapshot
; CHECK-NEXT:    store i1 true, ptr %mapguard.reads.open
; CHECK:       mapguard.read.busy{{[0-9]+}}:
; CHECK-NEXT:    call void @__mapguard_iterate(ptr %m,
; CHECK:         %b = call ptr @_ZNKSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5beginEv(ptr %m)
; CHECK:       cond:
; CHECK-NOT:     mapguard
; CHECK:       exit:
; CHECK-NEXT:    %[[CWAS:.*]] = load i1, ptr %mapguard.reads.open
; CHECK-NEXT:    br i1 %[[CWAS]], label %mapguard.reads.end, label
; CHECK:       mapguard.read.busy:
; CHECK-NEXT:    call void @__mapguard_iterate_window(ptr %{{[^ ]+}}, ptr @{{__mapguard_site[.0-9]*}}, i64
define i32 @sum_const_map(ptr %m) {
entry:
  %it = alloca ptr
  %end = alloca ptr
  %b = call ptr @_ZNKSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5beginEv(ptr %m)
  store ptr %b, ptr %it
  %e = call ptr @_ZNKSt3mapIiiSt4lessIiESaISt4pairIKiiEEE3endEv(ptr %m)
  store ptr %e, ptr %end
  br label %cond
cond:
  %s = phi i32 [ 0, %entry ], [ %s.next, %body ]
  %more = call zeroext i1 @_ZStneRKSt23_Rb_tree_const_iteratorISt4pairIKiiEES5_(ptr %it, ptr %end)
  br i1 %more, label %body, label %exit
body:
  %kv = call ptr @_ZNKSt23_Rb_tree_const_iteratorISt4pairIKiiEEdeEv(ptr %it)
  %vp = getelementptr inbounds i8, ptr %kv, i64 4
  %v = load i32, ptr %vp
  %s.next = add nsw i32 %s, %v
  %inc = call ptr @_ZNSt23_Rb_tree_const_iteratorISt4pairIKiiEEppEv(ptr %it)
  br label %cond
exit:
  ret i32 %s
}

; The same over a std::unordered_map.
; CHECK-LABEL: define i32 @sum_umap(ptr %m)
; CHECK:         store ptr %m, ptr %mapguard.reads.map
; CHECK:         %mapguard.snapshot = load atomic i64, ptr %mapguard.slot monotonic
; CHECK-NEXT:    store i64 %mapguard.snapshot, ptr %mapguard.reads.snapshot
; CHECK-NEXT:    store i1 true, ptr %mapguard.reads.open
; CHECK:       mapguard.read.busy{{[0-9]+}}:
; CHECK-NEXT:    call void @__mapguard_iterate(ptr %m,
; CHECK:         %b = call ptr @_ZNSt13unordered_mapIiiSt4hashIiESt8equal_toIiESaISt4pairIKiiEEE5beginEv(ptr %m)
; CHECK:       cond:
; CHECK-NOT:     mapguard
; CHECK:       exit:
; CHECK-NEXT:    %[[UWAS:.*]] = load i1, ptr %mapguard.reads.open
; CHECK-NEXT:    br i1 %[[UWAS]], label %mapguard.reads.end, label
; CHECK:       mapguard.read.busy:
; CHECK-NEXT:    call void @__mapguard_iterate_window(ptr %{{[^ ]+}}, ptr @{{__mapguard_site[.0-9]*}}, i64
; FAST-LABEL:  define i32 @sum_umap(ptr %m)
; FAST:          %mapguard.slot = getelementptr inbounds [16384 x { i64, ptr }], ptr @__mapguard_fast_table
; FAST-NEXT:     %mapguard.snapshot = load atomic i64, ptr %mapguard.slot monotonic
; FAST:          call void @__mapguard_iterate_fast(ptr %m,
; FAST:          %b = call ptr
; FAST:        mapguard.read.busy:
; FAST-NEXT:     call void @__mapguard_iterate_window_fast(ptr
; CALLS-LABEL: define i32 @sum_umap(ptr %m)
; CALLS:         call void @__mapguard_iterate(ptr %m,
; CALLS-NEXT:    %b = call ptr
; OFF-LABEL:   define i32 @sum_umap(ptr %m)
; OFF:         mapguard.read.busy:
; OFF-NEXT:      call void @__mapguard_iterate(ptr %m,
; OFF:           %b = call ptr
define i32 @sum_umap(ptr %m) {
entry:
  %it = alloca ptr
  %end = alloca ptr
  %b = call ptr @_ZNSt13unordered_mapIiiSt4hashIiESt8equal_toIiESaISt4pairIKiiEEE5beginEv(ptr %m)
  store ptr %b, ptr %it
  %e = call ptr @_ZNSt13unordered_mapIiiSt4hashIiESt8equal_toIiESaISt4pairIKiiEEE3endEv(ptr %m)
  store ptr %e, ptr %end
  br label %cond
cond:
  %s = phi i32 [ 0, %entry ], [ %s.next, %body ]
  %more = call zeroext i1 @_ZNSt8__detailneERKNS_19_Node_iterator_baseISt4pairIKiiELb0EEES6_(ptr %it, ptr %end)
  br i1 %more, label %body, label %exit
body:
  %kv = call ptr @_ZNKSt8__detail14_Node_iteratorISt4pairIKiiELb0ELb0EEdeEv(ptr %it)
  %vp = getelementptr inbounds i8, ptr %kv, i64 4
  %v = load i32, ptr %vp
  %s.next = add nsw i32 %s, %v
  %inc = call ptr @_ZNSt8__detail14_Node_iteratorISt4pairIKiiELb0ELb0EEppEv(ptr %it)
  br label %cond
exit:
  ret i32 %s
}

; cbegin() of a const std::unordered_map, the loop written out by hand.
; CHECK-LABEL: define i32 @sum_umap_cbegin(ptr %m)
; CHECK:         %mapguard.snapshot = load atomic i64
; CHECK-NEXT:    store i64 %mapguard.snapshot, ptr %mapguard.reads.snapshot
; CHECK-NEXT:    store i1 true, ptr %mapguard.reads.open
; CHECK:       mapguard.read.busy{{[0-9]+}}:
; CHECK-NEXT:    call void @__mapguard_iterate(ptr %m,
; CHECK:         %b = call ptr @_ZNKSt13unordered_mapIiiSt4hashIiESt8equal_toIiESaISt4pairIKiiEEE6cbeginEv(ptr %m)
; CHECK:       mapguard.read.busy:
; CHECK-NEXT:    call void @__mapguard_iterate_window(ptr
define i32 @sum_umap_cbegin(ptr %m) {
entry:
  %it = alloca ptr
  %end = alloca ptr
  %b = call ptr @_ZNKSt13unordered_mapIiiSt4hashIiESt8equal_toIiESaISt4pairIKiiEEE6cbeginEv(ptr %m)
  store ptr %b, ptr %it
  %e = call ptr @_ZNKSt13unordered_mapIiiSt4hashIiESt8equal_toIiESaISt4pairIKiiEEE4cendEv(ptr %m)
  store ptr %e, ptr %end
  br label %cond
cond:
  %s = phi i32 [ 0, %entry ], [ %s.next, %body ]
  %more = call zeroext i1 @_ZNSt8__detailneERKNS_19_Node_iterator_baseISt4pairIKiiELb0EEES6_(ptr %it, ptr %end)
  br i1 %more, label %body, label %exit
body:
  %kv = call ptr @_ZNKSt8__detail20_Node_const_iteratorISt4pairIKiiELb0ELb0EEptEv(ptr %it)
  %vp = getelementptr inbounds i8, ptr %kv, i64 4
  %v = load i32, ptr %vp
  %s.next = add nsw i32 %s, %v
  %inc = call ptr @_ZNSt8__detail20_Node_const_iteratorISt4pairIKiiELb0ELb0EEppEv(ptr %it)
  br label %cond
exit:
  ret i32 %s
}

; A loop left early (`for (auto &kv : m) if (kv.second == x) return
; kv.first;`): both blocks it exits to check, with the same descriptor.
; CHECK-LABEL: define i32 @find_first(ptr %m, i32 %x)
; CHECK:         store i1 true, ptr %mapguard.reads.open
; CHECK:         %b = call ptr @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5beginEv(ptr %m)
; CHECK:       found:
; CHECK-NEXT:    %[[F:[^ ]+]] = load i1, ptr %mapguard.reads.open
; CHECK-NEXT:    br i1 %[[F]], label %[[END1:mapguard.reads.end[0-9]*]], label
; CHECK:       [[END1]]:
; CHECK:         call void @__mapguard_iterate_window(ptr %{{[^ ]+}}, ptr @[[SITE:__mapguard_site[.0-9]*]], i64
; CHECK:       none:
; CHECK-NEXT:    %[[N:[^ ]+]] = load i1, ptr %mapguard.reads.open
; CHECK-NEXT:    br i1 %[[N]], label %[[END2:mapguard.reads.end[0-9]*]], label
; CHECK:       [[END2]]:
; CHECK:         call void @__mapguard_iterate_window(ptr %{{[^ ]+}}, ptr @[[SITE]], i64
define i32 @find_first(ptr %m, i32 %x) {
entry:
  %it = alloca ptr
  %end = alloca ptr
  %b = call ptr @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5beginEv(ptr %m)
  store ptr %b, ptr %it
  %e = call ptr @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE3endEv(ptr %m)
  store ptr %e, ptr %end
  br label %cond
cond:
  %more = call zeroext i1 @_ZStneRKSt17_Rb_tree_iteratorISt4pairIKiiEES5_(ptr %it, ptr %end)
  br i1 %more, label %body, label %none
body:
  %kv = call ptr @_ZNKSt17_Rb_tree_iteratorISt4pairIKiiEEdeEv(ptr %it)
  %vp = getelementptr inbounds i8, ptr %kv, i64 4
  %v = load i32, ptr %vp
  %hit = icmp eq i32 %v, %x
  br i1 %hit, label %found, label %latch
latch:
  %inc = call ptr @_ZNSt17_Rb_tree_iteratorISt4pairIKiiEEppEv(ptr %it)
  br label %cond
found:
  %k = load i32, ptr %kv
  ret i32 %k
none:
  ret i32 -1
}

; A relaxed atomic load in the loop orders nothing: the window stands.
; CHECK-LABEL: define void @iterate_relaxed_atomic(
; CHECK:         store i1 true, ptr %mapguard.reads.open
; CHECK:         %b = call ptr
; CHECK:         %f = load atomic i32, ptr %flag monotonic
; CHECK:       mapguard.read.busy:
; CHECK-NEXT:    call void @__mapguard_iterate_window(ptr
define void @iterate_relaxed_atomic(ptr %m, ptr %flag) {
entry:
  %it = alloca ptr
  %end = alloca ptr
  %b = call ptr @_ZNSt13unordered_mapIiiSt4hashIiESt8equal_toIiESaISt4pairIKiiEEE5beginEv(ptr %m)
  store ptr %b, ptr %it
  %e = call ptr @_ZNSt13unordered_mapIiiSt4hashIiESt8equal_toIiESaISt4pairIKiiEEE3endEv(ptr %m)
  store ptr %e, ptr %end
  br label %cond
cond:
  %more = call zeroext i1 @_ZNSt8__detailneERKNS_19_Node_iterator_baseISt4pairIKiiELb0EEES6_(ptr %it, ptr %end)
  br i1 %more, label %body, label %exit
body:
  %f = load atomic i32, ptr %flag monotonic, align 4
  %inc = call ptr @_ZNSt8__detail14_Node_iteratorISt4pairIKiiELb0ELb0EEppEv(ptr %it)
  br label %cond
exit:
  ret void
}

; A call that may throw (but takes no lock) between begin() and the loop, in
; a function that does not throw: the window stands. (In one that may throw,
; begin_then_may_throw below, it does not.)
; CHECK-LABEL: define void @begin_then_may_throw_nounwind(
; CHECK:         store i1 true, ptr %mapguard.reads.open
; CHECK:         %b = call ptr
; CHECK-NEXT:    call void @may_throw()
; CHECK:       mapguard.read.busy:
; CHECK-NEXT:    call void @__mapguard_iterate_window(ptr
define void @begin_then_may_throw_nounwind(ptr %m) nounwind {
entry:
  %it = alloca ptr
  %end = alloca ptr
  %b = call ptr @_ZNSt13unordered_mapIiiSt4hashIiESt8equal_toIiESaISt4pairIKiiEEE5beginEv(ptr %m)
  call void @may_throw()
  store ptr %b, ptr %it
  %e = call ptr @_ZNSt13unordered_mapIiiSt4hashIiESt8equal_toIiESaISt4pairIKiiEEE3endEv(ptr %m)
  store ptr %e, ptr %end
  br label %cond
cond:
  %more = call zeroext i1 @_ZNSt8__detailneERKNS_19_Node_iterator_baseISt4pairIKiiELb0EEES6_(ptr %it, ptr %end)
  br i1 %more, label %body, label %exit
body:
  %inc = call ptr @_ZNSt8__detail14_Node_iteratorISt4pairIKiiELb0ELb0EEppEv(ptr %it)
  br label %cond
exit:
  ret void
}

; Lookups in the loop are not the iteration window's. Of the same map alone,
; they make the loop a read window too (read_window.ll), whose check at the
; exit comes first; begin()'s window is still checked there.
; CHECK-LABEL: define i32 @iterate_and_find(ptr %m)
; CHECK:         store i1 true, ptr %[[IOPEN:mapguard.reads.open[0-9]*]]
; CHECK:         call void @__mapguard_iterate(ptr %m,
; CHECK-NEXT:    br label
; CHECK:         %b = call ptr
; CHECK:         store i1 false, ptr %[[ROPEN:mapguard.reads.open[0-9]*]]
; CHECK-NEXT:    br label %cond
; CHECK:       body:
; CHECK-NOT:     call void @__mapguard
; CHECK:         store i1 true, ptr %[[ROPEN]]
; CHECK-NEXT:    %f = call ptr @_ZNKSt13unordered_mapIiiSt4hashIiESt8equal_toIiESaISt4pairIKiiEEE4findERS5_(ptr %m, ptr %k)
; CHECK-NOT:     call void @__mapguard
; CHECK:       exit:
; CHECK:         call void @__mapguard_read_window(ptr
; CHECK:         store i1 false, ptr %[[IOPEN]]
; CHECK:         call void @__mapguard_iterate_window(ptr
; CHECK-NOT:     call void @__mapguard
; CHECK:         ret i32 %s
define i32 @iterate_and_find(ptr %m) {
entry:
  %it = alloca ptr
  %end = alloca ptr
  %k = alloca i32
  %b = call ptr @_ZNSt13unordered_mapIiiSt4hashIiESt8equal_toIiESaISt4pairIKiiEEE5beginEv(ptr %m)
  store ptr %b, ptr %it
  %e = call ptr @_ZNSt13unordered_mapIiiSt4hashIiESt8equal_toIiESaISt4pairIKiiEEE3endEv(ptr %m)
  store ptr %e, ptr %end
  br label %cond
cond:
  %s = phi i32 [ 0, %entry ], [ %s.next, %body ]
  %more = call zeroext i1 @_ZNSt8__detailneERKNS_19_Node_iterator_baseISt4pairIKiiELb0EEES6_(ptr %it, ptr %end)
  br i1 %more, label %body, label %exit
body:
  %kv = call ptr @_ZNKSt8__detail14_Node_iteratorISt4pairIKiiELb0ELb0EEdeEv(ptr %it)
  %v = load i32, ptr %kv
  store i32 %v, ptr %k
  %f = call ptr @_ZNKSt13unordered_mapIiiSt4hashIiESt8equal_toIiESaISt4pairIKiiEEE4findERS5_(ptr %m, ptr %k)
  %found = icmp ne ptr %f, null
  %one = zext i1 %found to i32
  %s.next = add nsw i32 %s, %one
  %inc = call ptr @_ZNSt8__detail14_Node_iteratorISt4pairIKiiELb0ELb0EEppEv(ptr %it)
  br label %cond
exit:
  ret i32 %s
}

; With a lookup of another map as well the loop is no read window: each
; lookup, the one of the iterated map included, keeps its own check, and the
; iteration its window.
; CHECK-LABEL: define void @iterate_and_find_two_maps(ptr %m, ptr %other)
; CHECK:         store i1 true, ptr %mapguard.reads.open
; CHECK:         call void @__mapguard_iterate(ptr %m,
; CHECK-NEXT:    br label
; CHECK:         %b = call ptr
; CHECK:       body:
; CHECK-NOT:     mapguard.reads
; CHECK:       mapguard.read.busy{{[0-9]+}}:
; CHECK-NEXT:    call void @__mapguard_read(ptr %m,
; CHECK:         %f = call ptr @_ZNKSt13unordered_mapIiiSt4hashIiESt8equal_toIiESaISt4pairIKiiEEE4findERS5_(ptr %m, ptr %k)
; CHECK-NOT:     mapguard.reads
; CHECK:       mapguard.read.busy{{[0-9]+}}:
; CHECK-NEXT:    call void @__mapguard_read(ptr %other,
; CHECK:         %g = call ptr @_ZNKSt13unordered_mapIiiSt4hashIiESt8equal_toIiESaISt4pairIKiiEEE4findERS5_(ptr %other, ptr %k)
; CHECK:       exit:
; CHECK-NOT:     call void @__mapguard_read_window
; CHECK:         call void @__mapguard_iterate_window(ptr
; CHECK-NOT:     call void @__mapguard
; CHECK:         ret void
define void @iterate_and_find_two_maps(ptr %m, ptr %other) {
entry:
  %it = alloca ptr
  %end = alloca ptr
  %k = alloca i32
  %b = call ptr @_ZNSt13unordered_mapIiiSt4hashIiESt8equal_toIiESaISt4pairIKiiEEE5beginEv(ptr %m)
  store ptr %b, ptr %it
  %e = call ptr @_ZNSt13unordered_mapIiiSt4hashIiESt8equal_toIiESaISt4pairIKiiEEE3endEv(ptr %m)
  store ptr %e, ptr %end
  br label %cond
cond:
  %more = call zeroext i1 @_ZNSt8__detailneERKNS_19_Node_iterator_baseISt4pairIKiiELb0EEES6_(ptr %it, ptr %end)
  br i1 %more, label %body, label %exit
body:
  %kv = call ptr @_ZNKSt8__detail14_Node_iteratorISt4pairIKiiELb0ELb0EEdeEv(ptr %it)
  %v = load i32, ptr %kv
  store i32 %v, ptr %k
  %f = call ptr @_ZNKSt13unordered_mapIiiSt4hashIiESt8equal_toIiESaISt4pairIKiiEEE4findERS5_(ptr %m, ptr %k)
  %g = call ptr @_ZNKSt13unordered_mapIiiSt4hashIiESt8equal_toIiESaISt4pairIKiiEEE4findERS5_(ptr %other, ptr %k)
  %inc = call ptr @_ZNSt8__detail14_Node_iteratorISt4pairIKiiELb0ELb0EEppEv(ptr %it)
  br label %cond
exit:
  ret void
}

; Each of these keeps only begin()'s own check.
; The loop calls a function whose body is unknown (it could take a lock).
; CHECK-LABEL: define void @iterate_unknown_call(
; CHECK-NOT:     mapguard.reads
; CHECK:       mapguard.read.busy:
; CHECK-NEXT:    call void @__mapguard_iterate(ptr %m,
; CHECK:         %b = call ptr
; CHECK:         call void @log_entry(i32 %v)
; CHECK-NOT:     mapguard.reads
; CHECK-NOT:     call void @__mapguard_iterate_window
; FAST-LABEL:  define void @iterate_unknown_call(
; FAST-NOT:      mapguard.reads
; FAST:          call void @__mapguard_iterate_fast(ptr %m,
; FAST-NOT:      mapguard.reads
; FAST-NOT:      call void @__mapguard_iterate_window_fast
define void @iterate_unknown_call(ptr %m) {
entry:
  %it = alloca ptr
  %end = alloca ptr
  %b = call ptr @_ZNSt13unordered_mapIiiSt4hashIiESt8equal_toIiESaISt4pairIKiiEEE5beginEv(ptr %m)
  store ptr %b, ptr %it
  %e = call ptr @_ZNSt13unordered_mapIiiSt4hashIiESt8equal_toIiESaISt4pairIKiiEEE3endEv(ptr %m)
  store ptr %e, ptr %end
  br label %cond
cond:
  %more = call zeroext i1 @_ZNSt8__detailneERKNS_19_Node_iterator_baseISt4pairIKiiELb0EEES6_(ptr %it, ptr %end)
  br i1 %more, label %body, label %exit
body:
  %kv = call ptr @_ZNKSt8__detail14_Node_iteratorISt4pairIKiiELb0ELb0EEdeEv(ptr %it)
  %v = load i32, ptr %kv
  call void @log_entry(i32 %v)
  %inc = call ptr @_ZNSt8__detail14_Node_iteratorISt4pairIKiiELb0ELb0EEppEv(ptr %it)
  br label %cond
exit:
  ret void
}

; A fence in the loop.
; CHECK-LABEL: define void @iterate_fence(
; CHECK-NOT:     mapguard.reads
; CHECK:       mapguard.read.busy:
; CHECK-NEXT:    call void @__mapguard_iterate(ptr %m,
; CHECK:         %b = call ptr
; CHECK:         fence seq_cst
; CHECK-NOT:     mapguard.reads
; CHECK-NOT:     call void @__mapguard_iterate_window
; FAST-LABEL:  define void @iterate_fence(
define void @iterate_fence(ptr %m) {
entry:
  %it = alloca ptr
  %end = alloca ptr
  %b = call ptr @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5beginEv(ptr %m)
  store ptr %b, ptr %it
  %e = call ptr @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE3endEv(ptr %m)
  store ptr %e, ptr %end
  br label %cond
cond:
  %more = call zeroext i1 @_ZStneRKSt17_Rb_tree_iteratorISt4pairIKiiEES5_(ptr %it, ptr %end)
  br i1 %more, label %body, label %exit
body:
  fence seq_cst
  %inc = call ptr @_ZNSt17_Rb_tree_iteratorISt4pairIKiiEEppEv(ptr %it)
  br label %cond
exit:
  ret void
}

; An acquire load in the loop (a flag another thread may have released).
; CHECK-LABEL: define void @iterate_acquire_load(
; CHECK-NOT:     mapguard.reads
; CHECK:       mapguard.read.busy:
; CHECK-NEXT:    call void @__mapguard_iterate(ptr %m,
; CHECK:         %b = call ptr
; CHECK:         %f = load atomic i32, ptr %flag acquire
; CHECK-NOT:     mapguard.reads
; CHECK-NOT:     call void @__mapguard_iterate_window
define void @iterate_acquire_load(ptr %m, ptr %flag) {
entry:
  %it = alloca ptr
  %end = alloca ptr
  %b = call ptr @_ZNSt13unordered_mapIiiSt4hashIiESt8equal_toIiESaISt4pairIKiiEEE5beginEv(ptr %m)
  store ptr %b, ptr %it
  %e = call ptr @_ZNSt13unordered_mapIiiSt4hashIiESt8equal_toIiESaISt4pairIKiiEEE3endEv(ptr %m)
  store ptr %e, ptr %end
  br label %cond
cond:
  %more = call zeroext i1 @_ZNSt8__detailneERKNS_19_Node_iterator_baseISt4pairIKiiELb0EEES6_(ptr %it, ptr %end)
  br i1 %more, label %body, label %exit
body:
  %f = load atomic i32, ptr %flag acquire, align 4
  %inc = call ptr @_ZNSt8__detail14_Node_iteratorISt4pairIKiiELb0ELb0EEppEv(ptr %it)
  br label %cond
exit:
  ret void
}

; The loop writes the map with operator[] (its write window is
; loop_window.ll's; that window's own atomics, which synchronise, would keep
; the iteration from a window even if the write did not).
; CHECK-LABEL: define void @iterate_and_write(
; CHECK-NOT:     mapguard.reads
; CHECK:       mapguard.read.busy:
; CHECK-NEXT:    call void @__mapguard_iterate(ptr %m,
; CHECK:         %b = call ptr
; CHECK:       mapguard.loop.begin:
; CHECK:         invoke ptr @_ZNSt13unordered_mapIiiSt4hashIiESt8equal_toIiESaISt4pairIKiiEEEixERS5_(ptr %m, ptr %k)
; CHECK-NOT:     mapguard.reads
; CHECK-NOT:     call void @__mapguard_iterate_window
define void @iterate_and_write(ptr %m) {
entry:
  %it = alloca ptr
  %end = alloca ptr
  %k = alloca i32
  %b = call ptr @_ZNSt13unordered_mapIiiSt4hashIiESt8equal_toIiESaISt4pairIKiiEEE5beginEv(ptr %m)
  store ptr %b, ptr %it
  %e = call ptr @_ZNSt13unordered_mapIiiSt4hashIiESt8equal_toIiESaISt4pairIKiiEEE3endEv(ptr %m)
  store ptr %e, ptr %end
  br label %cond
cond:
  %more = call zeroext i1 @_ZNSt8__detailneERKNS_19_Node_iterator_baseISt4pairIKiiELb0EEES6_(ptr %it, ptr %end)
  br i1 %more, label %body, label %exit
body:
  %kv = call ptr @_ZNKSt8__detail14_Node_iteratorISt4pairIKiiELb0ELb0EEdeEv(ptr %it)
  %v = load i32, ptr %kv
  %twice = shl i32 %v, 1
  store i32 %twice, ptr %k
  %r = call ptr @_ZNSt13unordered_mapIiiSt4hashIiESt8equal_toIiESaISt4pairIKiiEEEixERS5_(ptr %m, ptr %k)
  %inc = call ptr @_ZNSt8__detail14_Node_iteratorISt4pairIKiiELb0ELb0EEppEv(ptr %it)
  br label %cond
exit:
  ret void
}

; The loop erases as it goes (`it = m.erase(it)` or `++it`).
; CHECK-LABEL: define void @iterate_and_erase(
; CHECK-NOT:     mapguard.reads
; CHECK:       mapguard.read.busy:
; CHECK-NEXT:    call void @__mapguard_iterate(ptr %m,
; CHECK:         %b = call ptr
; CHECK:       mapguard.loop.begin:
; CHECK:         invoke ptr @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5eraseB5cxx11ESt17_Rb_tree_iteratorIS4_E(ptr %m, ptr %node)
; CHECK-NOT:     mapguard.reads
; CHECK-NOT:     call void @__mapguard_iterate_window
define void @iterate_and_erase(ptr %m) {
entry:
  %it = alloca ptr
  %end = alloca ptr
  %b = call ptr @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5beginEv(ptr %m)
  store ptr %b, ptr %it
  %e = call ptr @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE3endEv(ptr %m)
  store ptr %e, ptr %end
  br label %cond
cond:
  %more = call zeroext i1 @_ZStneRKSt17_Rb_tree_iteratorISt4pairIKiiEES5_(ptr %it, ptr %end)
  br i1 %more, label %body, label %exit
body:
  %kv = call ptr @_ZNKSt17_Rb_tree_iteratorISt4pairIKiiEEdeEv(ptr %it)
  %vp = getelementptr inbounds i8, ptr %kv, i64 4
  %v = load i32, ptr %vp
  %odd = trunc i32 %v to i1
  br i1 %odd, label %erase, label %next
erase:
  %node = load ptr, ptr %it
  %after = call ptr @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5eraseB5cxx11ESt17_Rb_tree_iteratorIS4_E(ptr %m, ptr %node)
  store ptr %after, ptr %it
  br label %cond
next:
  %inc = call ptr @_ZNSt17_Rb_tree_iteratorISt4pairIKiiEEppEv(ptr %it)
  br label %cond
exit:
  ret void
}

; A call that could synchronise between begin() and the loop: the iteration
; would begin before whatever it orders.
; CHECK-LABEL: define void @begin_then_unknown_call(
; CHECK-NOT:     mapguard.reads
; CHECK:       mapguard.read.busy:
; CHECK-NEXT:    call void @__mapguard_iterate(ptr %m,
; CHECK:         %b = call ptr
; CHECK-NEXT:    call void @log_entry(i32 0)
; CHECK-NOT:     mapguard.reads
; CHECK-NOT:     call void @__mapguard_iterate_window
define void @begin_then_unknown_call(ptr %m) {
entry:
  %it = alloca ptr
  %end = alloca ptr
  %b = call ptr @_ZNSt13unordered_mapIiiSt4hashIiESt8equal_toIiESaISt4pairIKiiEEE5beginEv(ptr %m)
  call void @log_entry(i32 0)
  store ptr %b, ptr %it
  %e = call ptr @_ZNSt13unordered_mapIiiSt4hashIiESt8equal_toIiESaISt4pairIKiiEEE3endEv(ptr %m)
  store ptr %e, ptr %end
  br label %cond
cond:
  %more = call zeroext i1 @_ZNSt8__detailneERKNS_19_Node_iterator_baseISt4pairIKiiELb0EEES6_(ptr %it, ptr %end)
  br i1 %more, label %body, label %exit
body:
  %inc = call ptr @_ZNSt8__detail14_Node_iteratorISt4pairIKiiELb0ELb0EEppEv(ptr %it)
  br label %cond
exit:
  ret void
}

; A call that may throw between begin() and the loop, in a function that may
; throw: the window would be left open.
; CHECK-LABEL: define void @begin_then_may_throw(
; CHECK-NOT:     mapguard.reads
; CHECK:       mapguard.read.busy:
; CHECK-NEXT:    call void @__mapguard_iterate(ptr %m,
; CHECK:         %b = call ptr
; CHECK-NEXT:    call void @may_throw()
; CHECK-NOT:     mapguard.reads
; CHECK-NOT:     call void @__mapguard_iterate_window
define void @begin_then_may_throw(ptr %m) {
entry:
  %it = alloca ptr
  %end = alloca ptr
  %b = call ptr @_ZNSt13unordered_mapIiiSt4hashIiESt8equal_toIiESaISt4pairIKiiEEE5beginEv(ptr %m)
  call void @may_throw()
  store ptr %b, ptr %it
  %e = call ptr @_ZNSt13unordered_mapIiiSt4hashIiESt8equal_toIiESaISt4pairIKiiEEE3endEv(ptr %m)
  store ptr %e, ptr %end
  br label %cond
cond:
  %more = call zeroext i1 @_ZNSt8__detailneERKNS_19_Node_iterator_baseISt4pairIKiiELb0EEES6_(ptr %it, ptr %end)
  br i1 %more, label %body, label %exit
body:
  %inc = call ptr @_ZNSt8__detail14_Node_iteratorISt4pairIKiiELb0ELb0EEppEv(ptr %it)
  br label %cond
exit:
  ret void
}

; begin() in an earlier block than the loop's preheader.
; CHECK-LABEL: define void @begin_before_preheader(
; CHECK-NOT:     mapguard.reads
; CHECK:       mapguard.read.busy:
; CHECK-NEXT:    call void @__mapguard_iterate(ptr %m,
; CHECK:         %b = call ptr
; CHECK:       preheader:
; CHECK-NOT:     mapguard.reads
; CHECK-NOT:     call void @__mapguard_iterate_window
define void @begin_before_preheader(ptr %m) {
entry:
  %it = alloca ptr
  %end = alloca ptr
  %b = call ptr @_ZNSt13unordered_mapIiiSt4hashIiESt8equal_toIiESaISt4pairIKiiEEE5beginEv(ptr %m)
  store ptr %b, ptr %it
  br label %preheader
preheader:
  %e = call ptr @_ZNSt13unordered_mapIiiSt4hashIiESt8equal_toIiESaISt4pairIKiiEEE3endEv(ptr %m)
  store ptr %e, ptr %end
  br label %cond
cond:
  %more = call zeroext i1 @_ZNSt8__detailneERKNS_19_Node_iterator_baseISt4pairIKiiELb0EEES6_(ptr %it, ptr %end)
  br i1 %more, label %body, label %exit
body:
  %inc = call ptr @_ZNSt8__detail14_Node_iteratorISt4pairIKiiELb0ELb0EEppEv(ptr %it)
  br label %cond
exit:
  ret void
}

; begin() before a rotated loop's zero-trip test: its block ends in a
; conditional branch, and the loop has no preheader.
; CHECK-LABEL: define void @begin_before_zero_trip_test(
; CHECK-NOT:     mapguard.reads
; CHECK:       mapguard.read.busy:
; CHECK-NEXT:    call void @__mapguard_iterate(ptr %m,
; CHECK:         %b = call ptr
; CHECK:         br i1 %empty, label %exit, label %body
; CHECK-NOT:     mapguard.reads
; CHECK-NOT:     call void @__mapguard_iterate_window
define void @begin_before_zero_trip_test(ptr %m) {
entry:
  %it = alloca ptr
  %end = alloca ptr
  %b = call ptr @_ZNSt13unordered_mapIiiSt4hashIiESt8equal_toIiESaISt4pairIKiiEEE5beginEv(ptr %m)
  store ptr %b, ptr %it
  %e = call ptr @_ZNSt13unordered_mapIiiSt4hashIiESt8equal_toIiESaISt4pairIKiiEEE3endEv(ptr %m)
  store ptr %e, ptr %end
  %empty = icmp eq ptr %b, %e
  br i1 %empty, label %exit, label %body
body:
  %inc = call ptr @_ZNSt8__detail14_Node_iteratorISt4pairIKiiELb0ELb0EEppEv(ptr %it)
  %more = call zeroext i1 @_ZNSt8__detailneERKNS_19_Node_iterator_baseISt4pairIKiiELb0EEES6_(ptr %it, ptr %end)
  br i1 %more, label %body, label %exit
exit:
  ret void
}

!llvm.dbg.cu = !{!0}
!llvm.module.flags = !{!2}
!0 = distinct !DICompileUnit(language: DW_LANG_C_plus_plus_14, file: !1, emissionKind: LineTablesOnly)
!1 = !DIFile(filename: "iteration.cpp", directory: "/src")
!2 = !{i32 2, !"Debug Info Version", i32 3}
!3 = distinct !DISubprogram(name: "sum_map", scope: !1, file: !1, line: 3, type: !4, scopeLine: 3, spFlags: DISPFlagDefinition, unit: !0)
!4 = !DISubroutineType(types: !{})
!5 = !DILocation(line: 5, column: 19, scope: !3)
!6 = !DILocation(line: 5, column: 3, scope: !3)
