package signer_test

import (
	"fmt"
	"time"

	"github.com/ossgate/ossgate/signer"
)

func ExampleSign() {
	creds := signer.Credentials{
		AccessKeyID:     "LTAI-EXAMPLE-ONLY", // obviously fake
		AccessKeySecret: "example-secret-do-not-use",
	}
	at := time.Date(2024, 7, 13, 13, 34, 14, 0, time.UTC)
	form, err := signer.Sign(creds, signer.Policy{
		Expiration: at.Add(15 * time.Minute),
		Conditions: []signer.Condition{
			signer.Bucket("example-bucket"),
			signer.Eq("key", "uploads/avatar/u42/2024/07/13/a1b2c3.png"),
			signer.Eq("success_action_status", "204"),
			signer.ContentLengthRange(1, 10<<20),
			signer.In("Content-Type", "image/png", "image/jpeg"),
		},
	}, "cn-hangzhou", at)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%s\n\n", form.PolicyJSON())
	for name, value := range form.All() {
		fmt.Printf("%s: %s\n", name, value)
	}
	// Output:
	// {"expiration":"2024-07-13T13:49:14.000Z","conditions":[{"bucket":"example-bucket"},["eq","$key","uploads/avatar/u42/2024/07/13/a1b2c3.png"],["eq","$success_action_status","204"],["content-length-range",1,10485760],["in","$Content-Type",["image/png","image/jpeg"]],{"x-oss-signature-version":"OSS4-HMAC-SHA256"},{"x-oss-credential":"LTAI-EXAMPLE-ONLY/20240713/cn-hangzhou/oss/aliyun_v4_request"},{"x-oss-date":"20240713T133414Z"}]}
	//
	// key: uploads/avatar/u42/2024/07/13/a1b2c3.png
	// success_action_status: 204
	// x-oss-signature-version: OSS4-HMAC-SHA256
	// x-oss-credential: LTAI-EXAMPLE-ONLY/20240713/cn-hangzhou/oss/aliyun_v4_request
	// x-oss-date: 20240713T133414Z
	// policy: eyJleHBpcmF0aW9uIjoiMjAyNC0wNy0xM1QxMzo0OToxNC4wMDBaIiwiY29uZGl0aW9ucyI6W3siYnVja2V0IjoiZXhhbXBsZS1idWNrZXQifSxbImVxIiwiJGtleSIsInVwbG9hZHMvYXZhdGFyL3U0Mi8yMDI0LzA3LzEzL2ExYjJjMy5wbmciXSxbImVxIiwiJHN1Y2Nlc3NfYWN0aW9uX3N0YXR1cyIsIjIwNCJdLFsiY29udGVudC1sZW5ndGgtcmFuZ2UiLDEsMTA0ODU3NjBdLFsiaW4iLCIkQ29udGVudC1UeXBlIixbImltYWdlL3BuZyIsImltYWdlL2pwZWciXV0seyJ4LW9zcy1zaWduYXR1cmUtdmVyc2lvbiI6Ik9TUzQtSE1BQy1TSEEyNTYifSx7Ingtb3NzLWNyZWRlbnRpYWwiOiJMVEFJLUVYQU1QTEUtT05MWS8yMDI0MDcxMy9jbi1oYW5nemhvdS9vc3MvYWxpeXVuX3Y0X3JlcXVlc3QifSx7Ingtb3NzLWRhdGUiOiIyMDI0MDcxM1QxMzM0MTRaIn1dfQ==
	// x-oss-signature: 1ad5f6082f3e769f5c06099272f02547d22643715443b189704a61f88a91c1ef
}
