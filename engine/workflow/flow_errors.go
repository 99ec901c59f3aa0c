package workflow

import "errors"

func asErr[T error](err error, target *T) bool { return errors.As(err, target) }

func isAny(err error, targets ...error) bool {
	for _, t := range targets {
		if errors.Is(err, t) {
			return true
		}
	}
	return false
}
