package p
func f() { go func() { for { select { case <-ch: break } } }() }
