package table

import (
	"bytes"
	"encoding/binary"
	"errors"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go/encoding/thrift"
	"github.com/parquet-go/parquet-go/format"
)

// parquetCorruptTests are malformed Parquet files, each of which made
// parquet-go allocate far more than its size before parquetcheck.go; each
// must now be an error naming the input, allocating little.
var parquetCorruptTests = []struct {
	name string
	data func(testing.TB) []byte
	want string
}{
	{
		// "R1\xff\xff" read as the footer length: 4294914386 bytes.
		name: "10 bytes, footer length 4 GiB",
		data: func(testing.TB) []byte { return []byte("PAR1\xff\xffPAR1") },
		want: "x.parquet: invalid Parquet file: 10 bytes, too short for a Parquet file (at least 12)",
	},
	{
		name: "footer length past the start",
		data: func(testing.TB) []byte { return []byte("PAR1\x00\x00\x00\x00\xff\xff\xff\x7fPAR1") },
		want: "x.parquet: invalid Parquet file: the footer claims 2147483647 bytes, the file has 16",
	},
	{
		// FileMetaData field 2 (schema), a list of 2^31-1 structs in 7 bytes.
		name: "footer list of 2^31-1 structs",
		data: func(testing.TB) []byte {
			footer := []byte{0x29, 0xfc, 0xff, 0xff, 0xff, 0xff, 0x07, 0x00}
			return parquetWithFooter(footer)
		},
		want: "x.parquet: invalid Parquet file: footer: thrift data cut short: list size of 2147483647 with 1 bytes left",
	},
	{
		name: "footer string of 1 GiB",
		data: func(testing.TB) []byte {
			// FileMetaData field 6 (created_by), binary, length 2^30.
			return parquetWithFooter([]byte{0x68, 0x80, 0x80, 0x80, 0x80, 0x04, 0x00})
		},
		want: "x.parquet: invalid Parquet file: footer: thrift data cut short: binary length of 1073741824 with 1 bytes left",
	},
	{
		name: "page of 2 GiB compressed",
		data: func(t testing.TB) []byte {
			return patchPageHeader(t, func(h []byte) []byte {
				return setPageSize(t, h, 3, 0x7fffffff)
			})
		},
		want: "compressed bytes, the column chunk has",
	},
	{
		name: "page of 2 GiB uncompressed",
		data: func(t testing.TB) []byte {
			return patchPageHeader(t, func(h []byte) []byte {
				return setPageSize(t, h, 2, 0x7fffffff)
			})
		},
		want: "2147483647 bytes uncompressed from",
	},
}

func TestParquetCorrupt(t *testing.T) {
	for _, tt := range parquetCorruptTests {
		t.Run(tt.name, func(t *testing.T) {
			data := tt.data(t)
			before := heapAllocs()
			_, err := Open(bytes.NewReader(data), "x.parquet", Parquet, ReadOptions{})
			allocated := heapAllocs() - before
			var te *Error
			if !errors.As(err, &te) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Open error %v, want a *Error containing %q", err, tt.want)
			}
			if !strings.HasPrefix(err.Error(), "x.parquet: ") {
				t.Errorf("error %q does not name the input", err)
			}
			if limit := parquetAllocLimit(len(data)); allocated > limit {
				t.Errorf("allocated %d bytes reading %d, limit %d", allocated, len(data), limit)
			}
		})
	}
}

// parquetWithFooter returns "PAR1", footer, its length, "PAR1".
func parquetWithFooter(footer []byte) []byte {
	b := append([]byte(parquetMagic), footer...)
	b = binary.LittleEndian.AppendUint32(b, uint32(len(footer)))
	return append(b, parquetMagic...)
}

// patchPageHeader writes a one-column file and rewrites the header of its
// first page (right after "PAR1") with edit, moving what follows and
// fixing the footer's offsets so that the file is well formed but for
// what edit changed.
func patchPageHeader(t testing.TB, edit func([]byte) []byte) []byte {
	good := writeTable(t, Parquet, WriteOptions{}, []Column{{Name: "id", Kind: String}}, [][]Value{{StringValue("c1")}})
	w := thriftWalker{b: good[4:]}
	if err := w.fields(nil); err != nil {
		t.Fatalf("first page header: %v", err)
	}
	header := edit(bytes.Clone(good[4 : 4+w.off]))
	delta := int64(len(header) - w.off)
	n := int64(binary.LittleEndian.Uint32(good[len(good)-8:]))
	footerAt := int64(len(good)) - 8 - n
	var md format.FileMetaData
	if err := thrift.Unmarshal(new(thrift.CompactProtocol), good[footerAt:footerAt+n], &md); err != nil {
		t.Fatal(err)
	}
	m := &md.RowGroups[0].Columns[0].MetaData
	m.TotalCompressedSize += delta
	if m.DictionaryPageOffset > 4 {
		m.DictionaryPageOffset += delta
	}
	if m.DataPageOffset > 4 {
		m.DataPageOffset += delta
	}
	footer, err := thrift.Marshal(new(thrift.CompactProtocol), &md)
	if err != nil {
		t.Fatal(err)
	}
	out := append([]byte(parquetMagic), header...)
	out = append(out, good[4+w.off:footerAt]...)
	out = append(out, footer...)
	out = binary.LittleEndian.AppendUint32(out, uint32(len(footer)))
	return append(out, parquetMagic...)
}

// setPageSize sets PageHeader field id (2 uncompressed, 3 compressed size;
// i32) to v.
func setPageSize(t testing.TB, h []byte, id int16, v int64) []byte {
	w := thriftWalker{b: h}
	var pos, end int
	err := w.fields(func(fid int16, typ byte) (bool, error) {
		if fid != id {
			return false, nil
		}
		pos = w.off
		_, err := w.varint()
		end = w.off
		return true, err
	})
	if err != nil || end == 0 {
		t.Fatalf("page header field %d not found: %v", id, err)
	}
	enc := binary.AppendUvarint(nil, uint64(v<<1)^uint64(v>>63))
	return append(append(append([]byte(nil), h[:pos]...), enc...), h[end:]...)
}
