package io.wsbackup.api;

import io.wsbackup.api.Views.ApiError;
import io.wsbackup.system.ErrorCode;
import io.wsbackup.system.WsbackupException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/** Every error the API returns is {@code {code, message}} with the code's HTTP status. */
@RestControllerAdvice(
		assignableTypes = { MlApiController.class, PrerequisitesController.class, ScheduleApiController.class })
class ApiErrors {

	private static final Logger log = LoggerFactory.getLogger(ApiErrors.class);

	@ExceptionHandler(WsbackupException.class)
	ResponseEntity<ApiError> refused(WsbackupException ex) {
		return ResponseEntity.status(ex.code().httpStatus()).body(new ApiError(ex.code().name(), ex.getMessage()));
	}

	@ExceptionHandler({ HttpRequestMethodNotSupportedException.class, HttpMediaTypeNotSupportedException.class })
	ResponseEntity<ApiError> badRequest(Exception ex) {
		return ResponseEntity.status(HttpStatus.BAD_REQUEST)
			.body(new ApiError(ErrorCode.INVALID_ARGUMENT.name(),
					"the API takes POST /api/v1/ml/<operation> with a JSON body: " + ex.getMessage()));
	}

	@ExceptionHandler(Exception.class)
	ResponseEntity<ApiError> unexpected(Exception ex) {
		log.error("request failed", ex);
		return ResponseEntity.status(HttpStatus.INTERNAL_SERVER_ERROR)
			.body(new ApiError(ErrorCode.INTERNAL.name(), ex.getMessage() == null ? ex.toString() : ex.getMessage()));
	}

}
