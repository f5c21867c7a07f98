package table

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"github.com/parquet-go/parquet-go/format"
)

// Parquet files are checked here before parquet-go reads them, because
// parquet-go trusts the lengths a file declares: a 10-byte file whose
// footer length says 4 GiB made it allocate 4 GiB, and a thrift list in the
// footer or a page header may declare 2^31 elements in a few bytes. Every
// length parquet-go will allocate from is checked against the bytes that
// actually hold it, so that what the reader allocates is bounded by the
// file's size (a small multiple of it for the decoded footer, and
// maxPageExpansion times a page's compressed size for its decompressed
// form).
//
// The layout (https://parquet.apache.org/docs/file-format/): "PAR1", column
// chunks (each a run of pages: a thrift PageHeader, then the page's
// bytes), the footer (a thrift FileMetaData), its 4-byte little-endian
// length, "PAR1". Thrift structures use the compact protocol
// (https://github.com/apache/thrift/blob/master/doc/specs/thrift-compact-protocol.md).

// parquetMagic starts and ends a Parquet file; "PARE" ends an encrypted one.
const parquetMagic = "PAR1"

// maxPageExpansion bounds a page's uncompressed size as a multiple of its
// compressed size (plus maxPageSlack). Deflate cannot expand more than
// about 1032 times and Snappy about 21 times; zstd and brotli can in
// principle go further, but Parquet's own encodings (dictionary, RLE)
// remove the long runs that would compress so well, so real pages stay far
// below this.
const (
	maxPageExpansion = 1100
	maxPageSlack     = 1 << 20
)

// maxThriftDepth bounds the nesting of thrift structures (parquet-go
// decodes them recursively).
const maxThriftDepth = 64

// errCorruptParquet is wrapped by every error of the checks below.
var errCorruptParquet = errors.New("invalid Parquet file")

// checkParquetFooter checks the magic bytes, that the footer length fits
// in the file and that every length inside the footer fits in the footer.
// It returns the footer's length.
func checkParquetFooter(ra io.ReaderAt, size int64) (int64, error) {
	if size < 12 {
		return 0, fmt.Errorf("%w: %d bytes, too short for a Parquet file (at least 12)", errCorruptParquet, size)
	}
	var head [4]byte
	var tail [8]byte
	if _, err := ra.ReadAt(head[:], 0); err != nil {
		return 0, fmt.Errorf("read Parquet header: %w", err)
	}
	if _, err := ra.ReadAt(tail[:], size-8); err != nil && !(err == io.EOF) {
		return 0, fmt.Errorf("read Parquet footer: %w", err)
	}
	if string(tail[4:]) == "PARE" {
		return 0, errors.New("encrypted Parquet files are not supported")
	}
	if string(head[:]) != parquetMagic || string(tail[4:]) != parquetMagic {
		return 0, fmt.Errorf("%w: it does not start and end with %q", errCorruptParquet, parquetMagic)
	}
	n := int64(binary.LittleEndian.Uint32(tail[:4]))
	if n > size-12 {
		return 0, fmt.Errorf("%w: the footer claims %d bytes, the file has %d", errCorruptParquet, n, size)
	}
	footer := make([]byte, n)
	if _, err := ra.ReadAt(footer, size-8-n); err != nil && !(err == io.EOF) {
		return 0, fmt.Errorf("read Parquet footer: %w", err)
	}
	w := thriftWalker{b: footer}
	if err := w.fields(nil); err != nil {
		return 0, fmt.Errorf("%w: footer: %w", errCorruptParquet, err)
	}
	return n, nil
}

// checkParquetChunks checks that every column chunk of the decoded footer
// lies between the header and the footer, and walks each chunk's pages:
// every page header must be sound thrift within the chunk, every page's
// compressed bytes within the chunk, and its uncompressed size within
// maxPageExpansion of them.
func checkParquetChunks(ra io.ReaderAt, size, footerLen int64, md *format.FileMetaData) error {
	if md.NumRows < 0 {
		return fmt.Errorf("%w: %d rows", errCorruptParquet, md.NumRows)
	}
	end := size - 8 - footerLen // the data ends where the footer starts
	for g, rg := range md.RowGroups {
		if rg.NumRows < 0 {
			return fmt.Errorf("%w: row group %d has %d rows", errCorruptParquet, g+1, rg.NumRows)
		}
		for c, cc := range rg.Columns {
			m := &cc.MetaData
			start := m.DataPageOffset
			if m.DictionaryPageOffset != 0 {
				start = m.DictionaryPageOffset
			}
			if start < int64(len(parquetMagic)) || m.TotalCompressedSize < 0 || m.TotalCompressedSize > end-start {
				return fmt.Errorf("%w: row group %d, column chunk %d: bytes %d to %d+%d are not in the data (bytes 4 to %d)",
					errCorruptParquet, g+1, c+1, start, start, m.TotalCompressedSize, end)
			}
			if m.NumValues < 0 {
				return fmt.Errorf("%w: row group %d, column chunk %d: %d values", errCorruptParquet, g+1, c+1, m.NumValues)
			}
			if err := checkPages(ra, start, start+m.TotalCompressedSize); err != nil {
				return fmt.Errorf("%w: row group %d, column chunk %d: %w", errCorruptParquet, g+1, c+1, err)
			}
		}
	}
	return nil
}

// checkPages walks the page headers of the column chunk in [start, end).
// Only the headers are read: a small read per page.
func checkPages(ra io.ReaderAt, start, end int64) error {
	buf := make([]byte, 0, 4<<10)
	for off := start; off < end; {
		// Read a prefix of what remains, enough for a typical header;
		// retry with twice as much when the header is longer.
		n := min(int64(cap(buf)), end-off)
		var h pageHeader
		for {
			buf = buf[:n]
			if _, err := ra.ReadAt(buf, off); err != nil && err != io.EOF {
				return fmt.Errorf("read page header at byte %d: %w", off, err)
			}
			w := thriftWalker{b: buf}
			err := w.fields(h.visit(&w))
			if err == nil {
				off += int64(w.off)
				break
			}
			if !errors.Is(err, errThriftShort) || n == end-off {
				return fmt.Errorf("page header at byte %d: %w", off, err)
			}
			n = min(2*n, end-off)
			buf = make([]byte, 0, n)
			h = pageHeader{}
		}
		if h.compressed < 0 || h.compressed > end-off {
			return fmt.Errorf("page at byte %d: %d compressed bytes, the column chunk has %d left", off, h.compressed, end-off)
		}
		if h.uncompressed < 0 || h.uncompressed > maxPageExpansion*h.compressed+maxPageSlack {
			return fmt.Errorf("page at byte %d: %d bytes uncompressed from %d compressed", off, h.uncompressed, h.compressed)
		}
		off += h.compressed
	}
	return nil
}

// pageHeader holds the sizes of a thrift PageHeader: fields 2
// (uncompressed_page_size) and 3 (compressed_page_size), both i32.
type pageHeader struct{ uncompressed, compressed int64 }

// visit returns the field visitor that records the sizes.
func (h *pageHeader) visit(w *thriftWalker) func(id int16, typ byte) (bool, error) {
	return func(id int16, typ byte) (bool, error) {
		if (id != 2 && id != 3) || typ != thriftI32 {
			return false, nil
		}
		v, err := w.varint()
		if id == 2 {
			h.uncompressed = v
		} else {
			h.compressed = v
		}
		return true, err
	}
}

// Thrift compact protocol type codes.
const (
	thriftTrue   = 1
	thriftFalse  = 2
	thriftByte   = 3
	thriftI16    = 4
	thriftI32    = 5
	thriftI64    = 6
	thriftDouble = 7
	thriftBinary = 8
	thriftList   = 9
	thriftSet    = 10
	thriftMap    = 11
	thriftStruct = 12
)

// errThriftShort is the error of a structure that runs past its bytes.
var errThriftShort = errors.New("thrift data cut short")

// thriftWalker checks a thrift compact-protocol structure without
// decoding it: every length and element count must fit in the bytes left
// (every element takes at least one byte), and nesting is bounded.
type thriftWalker struct {
	b     []byte
	off   int
	depth int
}

func (w *thriftWalker) left() int { return len(w.b) - w.off }

func (w *thriftWalker) byte() (byte, error) {
	if w.off >= len(w.b) {
		return 0, errThriftShort
	}
	c := w.b[w.off]
	w.off++
	return c, nil
}

func (w *thriftWalker) uvarint() (uint64, error) {
	v, n := binary.Uvarint(w.b[w.off:])
	if n == 0 {
		return 0, errThriftShort
	}
	if n < 0 {
		return 0, errors.New("thrift varint overflows 64 bits")
	}
	w.off += n
	return v, nil
}

// varint reads a zigzag-encoded integer.
func (w *thriftWalker) varint() (int64, error) {
	u, err := w.uvarint()
	return int64(u>>1) ^ -int64(u&1), err
}

// count reads a length or element count and checks that as many bytes
// are left.
func (w *thriftWalker) count(what string) (int, error) {
	u, err := w.uvarint()
	if err != nil {
		return 0, err
	}
	if u > uint64(w.left()) {
		return 0, fmt.Errorf("%w: %s of %d with %d bytes left", errThriftShort, what, u, w.left())
	}
	return int(u), nil
}

// fields walks a struct's fields up to its stop byte. visit, when not nil,
// sees each field first and may consume its value itself (returning true).
func (w *thriftWalker) fields(visit func(id int16, typ byte) (bool, error)) error {
	if w.depth++; w.depth > maxThriftDepth {
		return fmt.Errorf("thrift structures nested deeper than %d", maxThriftDepth)
	}
	defer func() { w.depth-- }()
	var id int16
	for {
		h, err := w.byte()
		if err != nil {
			return err
		}
		if h == 0 {
			return nil
		}
		typ := h & 0x0f
		if d := h >> 4; d != 0 {
			id += int16(d)
		} else {
			v, err := w.varint()
			if err != nil {
				return err
			}
			id = int16(v)
		}
		if visit != nil {
			done, err := visit(id, typ)
			if err != nil {
				return err
			}
			if done {
				continue
			}
		}
		if err := w.skip(typ); err != nil {
			return err
		}
	}
}

// skip walks one value of type typ as it appears in a struct field.
func (w *thriftWalker) skip(typ byte) error {
	switch typ {
	case thriftTrue, thriftFalse: // the value is in the field header
		return nil
	case thriftByte:
		_, err := w.byte()
		return err
	case thriftI16, thriftI32, thriftI64:
		_, err := w.uvarint()
		return err
	case thriftDouble:
		if w.left() < 8 {
			return errThriftShort
		}
		w.off += 8
		return nil
	case thriftBinary:
		n, err := w.count("binary length")
		w.off += n
		return err
	case thriftList, thriftSet:
		h, err := w.byte()
		if err != nil {
			return err
		}
		n, elem := int(h>>4), h&0x0f
		if n == 15 {
			if n, err = w.count("list size"); err != nil {
				return err
			}
		}
		for range n {
			if err := w.elem(elem); err != nil {
				return err
			}
		}
		return nil
	case thriftMap:
		n, err := w.count("map size")
		if err != nil || n == 0 {
			return err
		}
		kv, err := w.byte()
		if err != nil {
			return err
		}
		for range n {
			if err := w.elem(kv >> 4); err != nil {
				return err
			}
			if err := w.elem(kv & 0x0f); err != nil {
				return err
			}
		}
		return nil
	case thriftStruct:
		return w.fields(nil)
	}
	return fmt.Errorf("unknown thrift type %d", typ)
}

// elem walks one element of a list, set or map: booleans there take a
// byte each.
func (w *thriftWalker) elem(typ byte) error {
	if typ == thriftTrue || typ == thriftFalse {
		_, err := w.byte()
		return err
	}
	return w.skip(typ)
}
