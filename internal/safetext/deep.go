package safetext

import "reflect"

// maxDepth bounds the nesting EscapeAll follows (reports are shallow).
const maxDepth = 64

// EscapeAll returns a deep copy of v with every string in it (struct
// fields, slice and map elements, map keys) escaped by Escape, for an
// encoder that prints a whole report on a terminal: every field, present
// and future, is cleaned in one place. Unexported fields are copied as
// they are.
func EscapeAll[T any](v T) T {
	src := reflect.ValueOf(&v).Elem()
	dst := reflect.New(src.Type()).Elem()
	escapeInto(dst, src, 0)
	return dst.Interface().(T)
}

func escapeInto(dst, src reflect.Value, depth int) {
	if depth > maxDepth {
		dst.Set(src)
		return
	}
	switch src.Kind() {
	case reflect.String:
		dst.SetString(Escape(src.String()))
	case reflect.Pointer:
		if src.IsNil() {
			return
		}
		n := reflect.New(src.Elem().Type())
		escapeInto(n.Elem(), src.Elem(), depth+1)
		dst.Set(n)
	case reflect.Struct:
		dst.Set(src) // unexported fields as they are
		for i := 0; i < src.NumField(); i++ {
			if f := dst.Field(i); f.CanSet() {
				escapeInto(f, src.Field(i), depth+1)
			}
		}
	case reflect.Slice:
		if src.IsNil() {
			return
		}
		n := reflect.MakeSlice(src.Type(), src.Len(), src.Len())
		for i := 0; i < src.Len(); i++ {
			escapeInto(n.Index(i), src.Index(i), depth+1)
		}
		dst.Set(n)
	case reflect.Array:
		for i := 0; i < src.Len(); i++ {
			escapeInto(dst.Index(i), src.Index(i), depth+1)
		}
	case reflect.Map:
		if src.IsNil() {
			return
		}
		n := reflect.MakeMapWithSize(src.Type(), src.Len())
		it := src.MapRange()
		for it.Next() {
			k := reflect.New(src.Type().Key()).Elem()
			escapeInto(k, it.Key(), depth+1)
			e := reflect.New(src.Type().Elem()).Elem()
			escapeInto(e, it.Value(), depth+1)
			n.SetMapIndex(k, e)
		}
		dst.Set(n)
	case reflect.Interface:
		if src.IsNil() {
			return
		}
		inner := src.Elem()
		n := reflect.New(inner.Type()).Elem()
		escapeInto(n, inner, depth+1)
		dst.Set(n)
	default:
		dst.Set(src)
	}
}
