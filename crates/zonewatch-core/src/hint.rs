//! Hints to the processor: they change no result, only when memory is read.
//!
//! A query that waits on a chain of cache misses (a grid cell, its list, an edge block; a
//! report scattered in memory) can start those loads a few queries ahead, so that they
//! have landed by its turn. A plain load in place of the hint waits for its line and
//! bought nothing (decisions.md, "Memory stalls"); a prefetch instruction retires at once.

/// Starts loading the cache line that holds `r`; a no-op on targets other than x86-64.
#[inline(always)]
pub fn prefetch<T>(r: &T) {
    prefetch_address((r as *const T).cast::<u8>());
}

/// [`prefetch`] of every cache line of `*r` (a value of more than 64 bytes spans
/// several).
#[inline(always)]
pub fn prefetch_all<T>(r: &T) {
    let start = (r as *const T).cast::<u8>();
    let size = std::mem::size_of::<T>();
    // The line of every 64-byte step, and the line of the last byte.
    for at in (0..size).step_by(64).chain(size.checked_sub(1)) {
        // In bounds of `*r`; `wrapping_add` needs no `unsafe`, and the hint reads nothing.
        prefetch_address(start.wrapping_add(at));
    }
}

/// The project's only `unsafe`: the prefetch instruction has no effect the program can
/// observe but time. It never faults (whatever the address), reads nothing into a
/// register and writes nothing, so no address can make it unsound.
#[inline(always)]
#[allow(unsafe_code)]
fn prefetch_address(at: *const u8) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: `_mm_prefetch` needs SSE, which every x86-64 has; prefetching any address,
    // valid or not, is allowed: it is a hint.
    unsafe {
        std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(at.cast::<i8>());
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = at;
}
