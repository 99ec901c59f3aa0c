package workflow

import "errors"

func asError[T error](err error, target *T) bool { return errors.As(err, target) }

func isAnyOf(err error, targets ...error) bool {
	for _, t := range targets {
		if errors.Is(err, t) {
			return true
		}
	}
	return false
}
