package io.wsbackup.execution;

import java.util.List;

import org.springframework.batch.core.job.builder.FlowBuilder;
import org.springframework.batch.core.job.builder.FlowJobBuilder;
import org.springframework.batch.core.job.builder.JobBuilder;
import org.springframework.batch.core.step.Step;

/**
 * The flow every wsbackup job follows: its steps in order, each going on to the next only
 * when it COMPLETED (the last one ending the job), and any other exit (FAILED, CANCELLED,
 * UNKNOWN) going to the job's compensation step. The caller then says how the
 * compensation ends the job.
 */
public final class CompensatedFlow {

	private CompensatedFlow() {
	}

	public static FlowBuilder<FlowJobBuilder> of(JobBuilder job, List<Step> steps, Step compensation) {
		FlowBuilder<FlowJobBuilder> flow = null;
		for (int i = 0; i < steps.size(); i++) {
			Step step = steps.get(i);
			FlowBuilder.TransitionBuilder<FlowJobBuilder> completed = (i == 0) ? job.start(step).on("COMPLETED")
					: flow.from(step).on("COMPLETED");
			flow = (i + 1 < steps.size()) ? completed.to(steps.get(i + 1)) : completed.end();
			flow = flow.from(step).on("*").to(compensation);
		}
		return flow;
	}

}
