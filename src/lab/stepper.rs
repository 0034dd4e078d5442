//! The stepper: one pass's trace and the cursor on it. Stepping back is moving the
//! cursor, never recomputing; a new trace (after an edit) keeps the cursor where it
//! can.

use crate::error::Error;
use crate::feature::Source;
use crate::problem::Problem;
use crate::trace::{Granularity, Phase, Trace};

/// Significant digits of the numbers the page shows in formulas.
pub const UI_DIGITS: usize = 4;

/// A trace and a cursor on it.
#[derive(Clone, Debug)]
pub struct Stepper {
    trace: Trace,
    cursor: usize,
}

impl Stepper {
    /// The pass of `problem` at `granularity`, the cursor at `cursor` (clamped).
    pub fn new(problem: &Problem, granularity: Granularity, cursor: usize) -> Stepper {
        let trace = Trace::build(problem.pass(), granularity, UI_DIGITS);
        let cursor = cursor.min(trace.len() - 1);
        Stepper { trace, cursor }
    }

    pub fn trace(&self) -> &Trace {
        &self.trace
    }

    pub fn cursor(&self) -> usize {
        self.cursor
    }

    /// Number of steps, the start included.
    pub fn len(&self) -> usize {
        self.trace.len()
    }

    /// A trace always has its start and update steps.
    pub fn is_empty(&self) -> bool {
        false
    }

    /// The next step; false at the end. (Named as in the embedding API.)
    #[allow(clippy::should_implement_trait)]
    pub fn next(&mut self) -> bool {
        self.seek(self.cursor + 1).is_ok()
    }

    /// The previous step; false at the start.
    pub fn prev(&mut self) -> bool {
        self.cursor > 0 && self.seek(self.cursor - 1).is_ok()
    }

    /// Back to step 0.
    pub fn reset(&mut self) {
        self.cursor = 0;
    }

    /// The last step (the update).
    pub fn end(&mut self) {
        self.cursor = self.trace.len() - 1;
    }

    /// The cursor to step `i`.
    pub fn seek(&mut self, i: usize) -> Result<(), Error> {
        self.trace.check_step(i)?;
        self.cursor = i;
        Ok(())
    }

    /// The cursor to the first step of `phase`.
    pub fn seek_phase(&mut self, phase: Phase) {
        self.cursor = self.trace.first_of(phase).unwrap_or(0);
    }

    /// The pass of an edited `problem`, the cursor kept (clamped), the input's source
    /// kept (see [`Stepper::set_source`]).
    pub fn rebuild(&mut self, problem: &Problem) {
        // (The first module's inputs are never features: it keeps no source.)
        #[cfg(feature = "full")]
        let source = self.trace.source().cloned();
        *self = Stepper::new(problem, self.trace.granularity, self.cursor);
        #[cfg(feature = "full")]
        self.trace.set_source(source);
    }

    /// Where the problem's input came from when its entries are features of a point.
    pub fn set_source(&mut self, source: Option<Source>) {
        self.trace.set_source(source);
    }

    /// The same pass at another granularity; the cursor stays on the same part of the
    /// pass (the same phase, kind and layer; the update stays the update).
    pub fn regranulate(&mut self, problem: &Problem, g: Granularity) {
        if g == self.trace.granularity {
            return;
        }
        let old = &self.trace.steps[self.cursor];
        let (phase, kind, layer) = (old.phase, old.kind, old.layer);
        let at_end = self.cursor + 1 == self.trace.len();
        #[allow(unused_mut)]
        let mut trace = Trace::build(problem.pass(), g, UI_DIGITS);
        #[cfg(feature = "full")]
        trace.set_source(self.trace.source().cloned());
        self.cursor = if at_end {
            trace.len() - 1
        } else {
            trace
                .steps
                .iter()
                .rposition(|s| s.phase == phase && s.kind == kind && s.layer == layer)
                .unwrap_or(0)
        };
        self.trace = trace;
    }
}
