package tracefile

// rng is the range of a JSON value in a document: doc[off:end].
type rng struct{ off, end int }

// jfield is a member of a JSON object: its key as written (escapes included), the range of the key with its
// quotes, and the range of its value.
type jfield struct {
	key    string
	keyRaw rng
	val    rng
}

// objectFields returns the members of the object starting at doc[i], which must be valid JSON.
func objectFields(doc []byte, i int) ([]jfield, error) {
	if i >= len(doc) || doc[i] != '{' {
		return nil, errScan
	}
	var fields []jfield
	for i = skipSpace(doc, i+1); i < len(doc) && doc[i] != '}'; {
		if doc[i] != '"' {
			return nil, errScan
		}
		keyEnd, err := skipString(doc, i)
		if err != nil {
			return nil, err
		}
		f := jfield{key: string(doc[i+1 : keyEnd-1]), keyRaw: rng{i, keyEnd}}
		i = skipSpace(doc, keyEnd)
		if i >= len(doc) || doc[i] != ':' {
			return nil, errScan
		}
		f.val.off = skipSpace(doc, i+1)
		if f.val.end, err = skipValue(doc, f.val.off); err != nil {
			return nil, err
		}
		fields = append(fields, f)
		if i = skipSpace(doc, f.val.end); i < len(doc) && doc[i] == ',' {
			i = skipSpace(doc, i+1)
		}
	}
	if i >= len(doc) {
		return nil, errScan
	}
	return fields, nil
}

// arrayElems returns the ranges of the elements of the array starting at doc[i], which must be valid JSON.
func arrayElems(doc []byte, i int) ([]rng, error) {
	if i >= len(doc) || doc[i] != '[' {
		return nil, errScan
	}
	var elems []rng
	for i = skipSpace(doc, i+1); i < len(doc) && doc[i] != ']'; {
		end, err := skipValue(doc, i)
		if err != nil {
			return nil, err
		}
		elems = append(elems, rng{i, end})
		if i = skipSpace(doc, end); i < len(doc) && doc[i] == ',' {
			i = skipSpace(doc, i+1)
		}
	}
	if i >= len(doc) {
		return nil, errScan
	}
	return elems, nil
}

// pick returns the first of fields whose key is one of keys, trying the keys in order.
func pick(fields []jfield, keys ...string) *jfield {
	for _, k := range keys {
		for i := range fields {
			if fields[i].key == k {
				return &fields[i]
			}
		}
	}
	return nil
}
