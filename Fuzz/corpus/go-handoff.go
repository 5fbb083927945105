package fetch

import (
	"context"
	"errors"
	"time"
)

type Result struct{}

func slowCall() Result { return Result{} }

func WithTimeout(ctx context.Context) (Result, error) {
	// ok: go/goroutine-blocked-send
	ch := make(chan Result)
	go func() {
		// ruleid: go/goroutine-blocked-send
		ch <- slowCall()
	}()
	select {
	case r := <-ch:
		return r, nil
	case <-ctx.Done():
		return Result{}, ctx.Err()
	}
}

func Buffered(ctx context.Context) (Result, error) {
	ch := make(chan Result, 1)
	go func() {
		// ok: go/goroutine-blocked-send
		ch <- slowCall()
	}()
	select {
	case r := <-ch:
		return r, nil
	case <-time.After(time.Second):
		return Result{}, errors.New("timeout")
	}
}

func EarlyReturn(check func() error) (Result, error) {
	done := make(chan Result)
	go func() {
		// ruleid: go/goroutine-blocked-send
		done <- slowCall()
	}()
	if err := check(); err != nil {
		return Result{}, err
	}
	return <-done, nil
}

func Always() Result {
	ch := make(chan Result)
	go func() {
		// ok: go/goroutine-blocked-send
		ch <- slowCall()
	}()
	return <-ch
}

func GuardedSend(ctx context.Context) (Result, error) {
	ch := make(chan Result)
	go func() {
		select {
		// ok: go/goroutine-blocked-send
		case ch <- slowCall():
		case <-ctx.Done():
		}
	}()
	select {
	case r := <-ch:
		return r, nil
	case <-ctx.Done():
		return Result{}, ctx.Err()
	}
}

// The timeout branch still drains the channel: no leak.
func Drains(ctx context.Context) Result {
	done := make(chan Result)
	go func() {
		// ok: go/goroutine-blocked-send
		done <- slowCall()
	}()
	var r Result
	select {
	case r = <-done:
	case <-ctx.Done():
		r = <-done
	}
	return r
}

// A select in a loop keeps receiving until every worker has reported.
func Workers(ctx context.Context, n int) {
	errC := make(chan error)
	for i := 0; i < n; i++ {
		go func() {
			// ok: go/goroutine-blocked-send
			errC <- nil
		}()
	}
	for active := n; active > 0; {
		select {
		case <-errC:
			active--
		case <-ctx.Done():
		}
	}
}
