package io.wsbackup.cli;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Paging as {@code cdp} does it: asks for page after page ({@code startingToken} = the
 * answer's {@code nextToken}) and joins them into one answer, until the last page or
 * until {@code --max-items} items are there. The page asked for is never larger than the
 * items still wanted, so a stop always falls on a page's end and the last
 * {@code nextToken} is exactly where a later {@code --starting-token} goes on.
 */
final class Pager {

	/** The API's page size when a request names none. */
	static final int DEFAULT_PAGE_SIZE = 100;

	private Pager() {
	}

	/**
	 * The pages of a list, joined.
	 * @param request the first page's request; its {@code pageSize} (else the API's
	 * default) sizes every page, its {@code startingToken} is where the list starts
	 * @param maxItems how many items at most, or {@code null} for all of them
	 * @return the first page's answer with the items of every page and the last page's
	 * {@code nextToken} ({@code null} when nothing is left); an error answer as it came
	 */
	static RunnerClient.Answer pages(RunnerClient runner, String operation, Operation.Paging paging, ObjectNode request,
			Integer maxItems) {
		int pageSize = request.path("pageSize").isIntegralNumber() ? request.path("pageSize").asInt()
				: DEFAULT_PAGE_SIZE;
		ObjectNode page = request.deepCopy();
		ObjectNode joined = null;
		ArrayNode items = null;
		Integer wanted = maxItems;
		while (true) {
			if (wanted != null) {
				page.put("pageSize", Math.min(pageSize, wanted));
			}
			RunnerClient.Answer answer = runner.call(operation, page);
			if (!answer.ok() || !answer.body().path(paging.itemsField()).isArray()) {
				return answer;
			}
			ArrayNode pageItems = (ArrayNode) answer.body().path(paging.itemsField());
			if (joined == null) {
				joined = (ObjectNode) answer.body().deepCopy();
				items = (ArrayNode) joined.get(paging.itemsField());
			}
			else if (paging.newestPageFirst()) {
				ArrayNode older = pageItems.deepCopy();
				older.addAll(items);
				items = older;
				joined.set(paging.itemsField(), items);
			}
			else {
				items.addAll(pageItems);
			}
			if (wanted != null) {
				wanted -= pageItems.size();
			}
			JsonNode nextToken = answer.body().path("nextToken");
			boolean more = nextToken.isString() && !nextToken.stringValue().isBlank();
			joined.set("nextToken", more ? nextToken : joined.nullNode());
			if (!more || pageItems.isEmpty() || (wanted != null && wanted <= 0)) {
				return new RunnerClient.Answer(answer.status(), joined);
			}
			page.put("startingToken", nextToken.stringValue());
		}
	}

}
