//! RAM: the 32-bit address space as sparse pages of Z_P = 4096 octets, each inaccessible,
//! readable, or writable (writable pages are also readable). A two-level table keeps an empty
//! machine small (8 KiB) and a lookup two indexings deep.

pub const PAGE_SIZE: u32 = 4096;
pub(crate) const L2_BITS: u32 = 10;
pub(crate) const L2_LEN: usize = 1 << L2_BITS;

type PageData = [u8; PAGE_SIZE as usize];

/// One page: its access, and its octets once something was written (an accessible page never
/// written reads as zeroes, so mapping a large region costs no memory). In C's layout, the octets'
/// pointer (null for none) at 0 and the access at 8, where the recompiled code reads them.
#[derive(Default)]
#[repr(C)]
struct Slot {
    data: Option<Box<PageData>>,
    access: Access,
}

const _: () = assert!(std::mem::size_of::<Slot>() == 16, "the recompiled code indexes slots by 16 octets");

#[derive(Clone, Copy, Default, PartialEq, Eq)]
#[repr(u8)]
enum Access {
    #[default]
    None = NONE,
    Read = 1,
    Write = WRITE,
}

/// `Access`'s octets, for the recompiled code.
pub(crate) const NONE: u8 = 0;
pub(crate) const WRITE: u8 = 2;

/// Speed: both levels are arrays of a fixed length, indexed by 10 bits of the page number, so
/// that a lookup needs no bounds check.
type Directory = Box<[Slot; L2_LEN]>;

pub struct Memory {
    top: Box<[Option<Directory>; L2_LEN]>,
}

/// The first address of an access that is not permitted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Inaccessible(pub u32);

impl Default for Memory {
    fn default() -> Self {
        Memory { top: Box::new([const { None }; L2_LEN]) }
    }
}

const ZERO_PAGE: PageData = [0; PAGE_SIZE as usize];

impl Memory {
    #[inline(always)]
    fn slot(&self, page: u32) -> Option<&Slot> {
        self.top[(page >> L2_BITS) as usize & (L2_LEN - 1)].as_ref().map(|dir| &dir[(page as usize) & (L2_LEN - 1)])
    }

    #[inline(always)]
    fn slot_mut(&mut self, page: u32) -> Option<&mut Slot> {
        self.top[(page >> L2_BITS) as usize & (L2_LEN - 1)].as_mut().map(|dir| &mut dir[(page as usize) & (L2_LEN - 1)])
    }

    /// The top-level table: 2^10 pointers to directories of 2^10 slots (null for none), which the
    /// recompiled code walks.
    pub(crate) fn table(&self) -> *const u8 {
        self.top.as_ptr().cast()
    }

    /// The octets of a readable page.
    #[inline(always)]
    fn readable(&self, page: u32) -> Option<&PageData> {
        match self.slot(page) {
            Some(s) if s.access != Access::None => Some(s.data.as_deref().unwrap_or(&ZERO_PAGE)),
            _ => None,
        }
    }

    /// The octets of a writable page (allocated on first write).
    #[inline(always)]
    fn writable(&mut self, page: u32) -> Option<&mut PageData> {
        match self.slot_mut(page) {
            Some(s) if s.access == Access::Write => Some(s.data.get_or_insert_with(|| Box::new(ZERO_PAGE))),
            _ => None,
        }
    }

    /// Makes a page accessible (reading as zeroes if new), or changes its access.
    pub fn map_page(&mut self, page: u32, writable: bool) {
        debug_assert!(page < 1 << (32 - PAGE_SIZE.trailing_zeros()));
        let dir = self.top[(page >> L2_BITS) as usize & (L2_LEN - 1)].get_or_insert_with(|| Box::new([const { Slot { access: Access::None, data: None } }; L2_LEN]));
        dir[(page as usize) & (L2_LEN - 1)].access = if writable { Access::Write } else { Access::Read };
    }

    /// Reads N octets at address (mod 2^32, wrapping), or the first unreadable address.
    #[inline(always)]
    pub fn read<const N: usize>(&self, address: u32) -> Result<[u8; N], Inaccessible> {
        let offset = (address % PAGE_SIZE) as usize;
        if offset + N <= PAGE_SIZE as usize {
            if let Some(p) = self.readable(address / PAGE_SIZE) {
                let mut out = [0u8; N];
                out.copy_from_slice(&p[offset..offset + N]);
                return Ok(out);
            }
            return Err(Inaccessible(address));
        }
        let mut out = [0u8; N];
        for (i, o) in out.iter_mut().enumerate() {
            let a = address.wrapping_add(i as u32);
            *o = self.readable(a / PAGE_SIZE).ok_or(Inaccessible(a))?[(a % PAGE_SIZE) as usize];
        }
        Ok(out)
    }

    /// Writes N octets at address (mod 2^32, wrapping); nothing is written unless all are writable.
    #[inline(always)]
    pub fn write<const N: usize>(&mut self, address: u32, bytes: [u8; N]) -> Result<(), Inaccessible> {
        let offset = (address % PAGE_SIZE) as usize;
        if offset + N <= PAGE_SIZE as usize {
            return match self.writable(address / PAGE_SIZE) {
                Some(p) => {
                    p[offset..offset + N].copy_from_slice(&bytes);
                    Ok(())
                }
                None => Err(Inaccessible(address)),
            };
        }
        self.check_writable(address, N as u64)?;
        for (i, b) in bytes.iter().enumerate() {
            let a = address.wrapping_add(i as u32);
            if let Some(p) = self.writable(a / PAGE_SIZE) {
                p[(a % PAGE_SIZE) as usize] = *b;
            }
        }
        Ok(())
    }

    /// The first address of [address, address + len) (wrapping) that is not writable.
    pub fn check_writable(&self, address: u32, len: u64) -> Result<(), Inaccessible> {
        self.check(address, len, true)
    }

    /// The first address of [address, address + len) (wrapping) that is not readable.
    pub fn check_readable(&self, address: u32, len: u64) -> Result<(), Inaccessible> {
        self.check(address, len, false)
    }

    fn check(&self, address: u32, len: u64, write: bool) -> Result<(), Inaccessible> {
        let mut done = 0u64;
        while done < len {
            let a = address.wrapping_add(done as u32);
            let access = self.slot(a / PAGE_SIZE).map_or(Access::None, |s| s.access);
            if access == Access::None || (write && access != Access::Write) {
                return Err(Inaccessible(a));
            }
            done += u64::from(PAGE_SIZE - a % PAGE_SIZE);
        }
        Ok(())
    }

    /// Copies [address, address + out.len()) out; the caller checked readability.
    pub fn copy_out(&self, address: u32, out: &mut [u8]) {
        let mut done = 0usize;
        while done < out.len() {
            let a = address.wrapping_add(done as u32);
            let offset = (a % PAGE_SIZE) as usize;
            let n = (PAGE_SIZE as usize - offset).min(out.len() - done);
            if let Some(p) = self.readable(a / PAGE_SIZE) {
                out[done..done + n].copy_from_slice(&p[offset..offset + n]);
            }
            done += n;
        }
    }

    /// Copies data in at address, ignoring read-only access (used to lay out initial contents and
    /// by the host, which checked writability); unmapped pages are skipped.
    pub fn copy_in(&mut self, address: u32, data: &[u8]) {
        let mut done = 0usize;
        while done < data.len() {
            let a = address.wrapping_add(done as u32);
            let offset = (a % PAGE_SIZE) as usize;
            let n = (PAGE_SIZE as usize - offset).min(data.len() - done);
            if let Some(s) = self.slot_mut(a / PAGE_SIZE).filter(|s| s.access != Access::None) {
                s.data.get_or_insert_with(|| Box::new(ZERO_PAGE))[offset..offset + n].copy_from_slice(&data[done..done + n]);
            }
            done += n;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_across_pages_and_wraps() {
        let mut m = Memory::default();
        m.map_page(0xfffff, true);
        m.map_page(0, false);
        assert_eq!(m.write::<4>(0xffff_fffe, [1, 2, 3, 4]), Err(Inaccessible(0)));
        m.map_page(0, true);
        assert_eq!(m.write::<4>(0xffff_fffe, [1, 2, 3, 4]), Ok(()));
        assert_eq!(m.read::<4>(0xffff_fffe), Ok([1, 2, 3, 4]));
        assert_eq!(m.read::<2>(0x1fff), Err(Inaccessible(0x1fff)));
    }

    #[test]
    fn failed_writes_leave_memory_unchanged() {
        let mut m = Memory::default();
        m.map_page(1, true);
        m.map_page(2, false);
        assert_eq!(m.write::<8>(0x1ffc, [9; 8]), Err(Inaccessible(0x2000)));
        assert_eq!(m.read::<4>(0x1ffc), Ok([0; 4]));
    }
}
