package tunnel

import (
	"net"
	"sync"
)

// frontListener is the net.Listener the receiver serves on. It stands
// between the http.Server and the real listener (ngrok's or a TCP one) so
// that closing is safe and quick:
//
//   - Close only stops handing out connections, and returns at once. The
//     http.Server calls it during Shutdown; ngrok's own Close is a network
//     round trip that can block, so Tunnel.Close runs that one separately,
//     with a time bound.
//   - A pump goroutine keeps accepting from the real listener until it
//     fails. After Close it closes what it accepts: ngrok-go's listener
//     Close waits for any connection being delivered to Accept, so someone
//     must keep accepting until it is closed.
type frontListener struct {
	inner net.Listener
	conns chan net.Conn
	done  chan struct{} // closed by Close
	pumpd chan struct{} // closed when the pump ends

	closeOnce sync.Once
	mu        sync.Mutex
	acceptErr error // why the real listener stopped, once it has
	onFail    func(error)
}

// newFrontListener starts pumping from inner. onFail, if not nil, is called
// once if inner stops before Close was called (the endpoint was stopped
// remotely).
func newFrontListener(inner net.Listener, onFail func(error)) *frontListener {
	l := &frontListener{
		inner:  inner,
		conns:  make(chan net.Conn),
		done:   make(chan struct{}),
		pumpd:  make(chan struct{}),
		onFail: onFail,
	}
	go l.pump()
	return l
}

func (l *frontListener) pump() {
	defer close(l.pumpd)
	for {
		c, err := l.inner.Accept()
		if err != nil {
			l.mu.Lock()
			l.acceptErr = err
			l.mu.Unlock()
			select {
			case <-l.done:
			default:
				if l.onFail != nil {
					l.onFail(err)
				}
			}
			return
		}
		select {
		case l.conns <- c:
		case <-l.done:
			c.Close()
		}
	}
}

// Accept returns the next connection, net.ErrClosed after Close, or the
// real listener's error if it stopped on its own.
func (l *frontListener) Accept() (net.Conn, error) {
	select {
	case c := <-l.conns:
		return c, nil
	case <-l.done:
		return nil, net.ErrClosed
	case <-l.pumpd:
		l.mu.Lock()
		defer l.mu.Unlock()
		return nil, l.acceptErr
	}
}

// Close stops Accept; it never blocks.
func (l *frontListener) Close() error {
	l.closeOnce.Do(func() { close(l.done) })
	return nil
}

func (l *frontListener) Addr() net.Addr { return l.inner.Addr() }
